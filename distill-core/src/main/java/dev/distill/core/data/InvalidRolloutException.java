package dev.distill.core.data;

/**
 * A rollout that cannot be trained on; the message names it, so it can be dead-lettered and found.
 */
public class InvalidRolloutException extends RuntimeException {
    private final String rolloutId;

    public InvalidRolloutException(String rolloutId, String why) {
        super("rollout " + rolloutId + ": " + why);
        this.rolloutId = rolloutId;
    }

    public String rolloutId() {
        return rolloutId;
    }
}
