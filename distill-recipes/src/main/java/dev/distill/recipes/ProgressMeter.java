package dev.distill.recipes;

import java.util.Locale;

/**
 * The progress line: mean losses since the previous line (instruction and corpus steps apart, as
 * they are different tasks), learning rate, tokens/s over the same window, and the ETA from this
 * session's mean step time.
 */
final class ProgressMeter {
    private final long totalSteps;
    private final long firstStep;
    private final long sessionStart = System.nanoTime();
    private double sftLoss;
    private int sftSteps;
    private double lmLoss;
    private int lmSteps;
    private long tokens;
    private double seconds;
    private double sinceCheckLoss;
    private int sinceCheckSteps;

    /**
     * @param firstStep the first step this session trains (after a resume, not 1)
     */
    ProgressMeter(long firstStep, long totalSteps) {
        this.firstStep = firstStep;
        this.totalSteps = totalSteps;
    }

    void add(MixedBatches.Kind kind, double loss, long realTokens, double stepSeconds) {
        if (kind == MixedBatches.Kind.SFT) {
            sftLoss += loss;
            sftSteps++;
        } else {
            lmLoss += loss;
            lmSteps++;
        }
        tokens += realTokens;
        seconds += stepSeconds;
        sinceCheckLoss += loss;
        sinceCheckSteps++;
    }

    /** The line for {@code step}; resets the window. */
    String line(long step, double lr) {
        int n = sftSteps + lmSteps;
        double mean = n == 0 ? Double.NaN : (sftLoss + lmLoss) / n;
        double elapsed = (System.nanoTime() - sessionStart) / 1e9;
        long done = step - firstStep + 1;
        double eta = done > 0 ? elapsed / done * (totalSteps - step) : Double.NaN;
        String parts =
                (sftSteps > 0 ? String.format(Locale.ROOT, "sft %.3f", sftLoss / sftSteps) : "")
                        + (sftSteps > 0 && lmSteps > 0 ? ", " : "")
                        + (lmSteps > 0
                                ? String.format(Locale.ROOT, "lm %.3f", lmLoss / lmSteps)
                                : "");
        String s =
                String.format(
                        Locale.ROOT,
                        "step %7d/%d  loss %.4f (%s)  lr %.2e  %,6.0f tok/s  elapsed %s  ETA %s",
                        step,
                        totalSteps,
                        mean,
                        parts,
                        lr,
                        seconds > 0 ? tokens / seconds : 0,
                        clock(elapsed),
                        clock(eta));
        sftLoss = lmLoss = seconds = 0;
        sftSteps = lmSteps = 0;
        tokens = 0;
        return s;
    }

    /** Mean training loss since the previous call; resets. */
    double lossSinceLastCheck() {
        double m = sinceCheckSteps == 0 ? Double.NaN : sinceCheckLoss / sinceCheckSteps;
        sinceCheckLoss = 0;
        sinceCheckSteps = 0;
        return m;
    }

    static String clock(double seconds) {
        if (!Double.isFinite(seconds)) {
            return "?";
        }
        long s = Math.round(seconds);
        return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
    }
}
