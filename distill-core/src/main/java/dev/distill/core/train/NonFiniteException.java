package dev.distill.core.train;

/** A loss or gradient became NaN or infinite; the step is refused rather than averaged over. */
public class NonFiniteException extends RuntimeException {
    public NonFiniteException(String message) {
        super(message);
    }
}
