package dev.distill.core.objective;

/**
 * Hyper-parameters of every objective (DESIGN.md, "The objective"); MiniLLM's defaults.
 *
 * @param ptCoef  weight of the pre-training term (used when pre-training batches are supplied)
 * @param kdRatio share of the teacher cross-entropy in the pre-training term
 */
public record ObjectiveConfig(Objective objective, double gamma, double rewardScale, double rewardClip,
                              double clipRange, double gkdBeta, double skewAlpha, double ptCoef, double kdRatio) {
    public ObjectiveConfig {
        if (!(gamma >= 0 && gamma <= 1) || !(rewardScale > 0) || !(rewardClip > 0) || !(clipRange > 0)
                || !(gkdBeta >= 0 && gkdBeta <= 1) || !(skewAlpha >= 0 && skewAlpha < 1) || !(ptCoef >= 0)
                || !(kdRatio >= 0 && kdRatio <= 1)) {
            throw new IllegalArgumentException("invalid objective settings: " + this);
        }
    }

    public static ObjectiveConfig defaults(Objective objective) {
        return new ObjectiveConfig(objective, 0.95, 0.5, 100, 0.2, 0.5, 0.1, 1.0, 0.5);
    }
}
