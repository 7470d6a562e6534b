package dev.distill.platform.kafka;

/**
 * A record whose bytes are not a value of the topic's schema: it goes to the dead letters whole.
 */
public final class UndecodableRecordException extends RuntimeException {
    public UndecodableRecordException(String message, Throwable cause) {
        super(message, cause);
    }
}
