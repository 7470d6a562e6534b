package dev.distill.platform.loop;

/** Where a service loop is in its life; health and the demo's console report it by name. */
public enum LoopState {
    STARTING,
    RUNNING,
    /** A session failed; the loop waits out a back-off and starts a new one. */
    RECOVERING,
    STOPPED,
    /** Given up: health reports DOWN, liveness included. */
    FAILED,
    /**
     * Switched off by configuration: the service runs without its loop (e.g. only the leaderboard).
     */
    DISABLED,
    /** The trainer's replay mode: one run, then the process exits. */
    REPLAYING
}
