package dev.distill.recipes;

/**
 * A recipe that cannot be run as written. The message names the recipe file and the field (as a
 * dotted path such as {@code optimizer.lr}), because "invalid recipe" alone sends the user hunting.
 */
public final class InvalidRecipeException extends IllegalArgumentException {
    private final String field;

    public InvalidRecipeException(String field, String message) {
        super(message);
        this.field = field;
    }

    /** The dotted path of the offending field, e.g. {@code training.seq_len}. */
    public String field() {
        return field;
    }
}
