package dev.distill.core.train;

/**
 * Linear warm-up to the peak, then cosine decay to {@code minRatio * peak} at {@code totalSteps}.
 */
public record LearningRate(double peak, int warmupSteps, int totalSteps, double minRatio) {
    public LearningRate {
        if (!(peak > 0) || warmupSteps < 0 || totalSteps < 1 || minRatio < 0 || minRatio > 1) {
            throw new IllegalArgumentException(
                    "invalid schedule: peak "
                            + peak
                            + ", warm-up "
                            + warmupSteps
                            + ", total "
                            + totalSteps
                            + ", min ratio "
                            + minRatio);
        }
    }

    public static LearningRate constant(double lr) {
        return new LearningRate(lr, 0, 1, 1.0);
    }

    /** The rate for 1-based optimiser step {@code step}. */
    public double at(long step) {
        if (step <= warmupSteps) {
            return peak * step / Math.max(1, warmupSteps);
        }
        double progress =
                Math.min(
                        1.0, (double) (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps));
        double min = peak * minRatio;
        return min + 0.5 * (peak - min) * (1 + Math.cos(Math.PI * progress));
    }
}
