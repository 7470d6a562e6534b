package dev.distill.localstack;

/**
 * A child process could not be started, did not become ready in time, or its files could not be
 * found.
 */
public class LocalStackException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public LocalStackException(String message) {
        super(message);
    }

    public LocalStackException(String message, Throwable cause) {
        super(message, cause);
    }
}
