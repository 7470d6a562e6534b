package dev.distill.platform.loop;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** What every loop reports, read by health and metrics; written only by the loop's thread. */
public final class LoopStats {
    public final AtomicReference<LoopState> state = new AtomicReference<>(LoopState.STARTING);
    public final AtomicReference<String> failure = new AtomicReference<>();

    /** Every record polled, this run's or not. */
    public final AtomicLong consumed = new AtomicLong();

    public final AtomicLong deadLettered = new AtomicLong();
    public final AtomicLong transactions = new AtomicLong();

    /**
     * Records on the input topic not yet committed past: behind the consumer position, or held by
     * the step.
     */
    public final AtomicLong lag = new AtomicLong();

    /** Sessions that failed and were started over. */
    public final AtomicLong restarts = new AtomicLong();

    void failed(Throwable e) {
        failure.set(describe(e));
        state.set(LoopState.FAILED);
    }

    static String describe(Throwable e) {
        return e.getMessage() == null ? e.getClass().getName() : e.getMessage();
    }
}
