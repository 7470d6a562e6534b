package dev.distill.core.objective;

/**
 * Hyper-parameters of every objective (DESIGN.md, "The objective"); MiniLLM's defaults.
 *
 * @param kdRatio the KD baseline's teacher share: (1 - kd) CE + kd teacher cross-entropy on the
 *     reference responses (the reference code's {@code kd_ratio})
 * @param ptCoef weight of the pre-training term L_pt (used when pre-training batches are supplied)
 * @param ptTeacherShare the teacher's share in L_pt = (1 - share) CE + share teacher cross-entropy
 *     (0.5 in the reference code; 0 = plain language modelling, which needs no teacher scores)
 * @param lengthNormalise MiniLLM: divide each return by the tokens remaining (off = the paper's
 *     ablation)
 * @param singleStepReg MiniLLM: add the single-step reverse-KL regulariser (off = the paper's
 *     ablation)
 */
public record ObjectiveConfig(
        Objective objective,
        double gamma,
        double rewardScale,
        double rewardClip,
        double clipRange,
        double gkdBeta,
        double skewAlpha,
        double kdRatio,
        double ptCoef,
        double ptTeacherShare,
        boolean lengthNormalise,
        boolean singleStepReg) {
    public ObjectiveConfig {
        if (!(gamma >= 0 && gamma <= 1)
                || !(rewardScale > 0)
                || !(rewardClip > 0)
                || !(clipRange > 0)
                || !(gkdBeta >= 0 && gkdBeta <= 1)
                || !(skewAlpha >= 0 && skewAlpha < 1)
                || !(ptCoef >= 0)
                || !(kdRatio >= 0 && kdRatio <= 1)
                || !(ptTeacherShare >= 0 && ptTeacherShare <= 1)) {
            throw new IllegalArgumentException("invalid objective settings: " + this);
        }
    }

    public static ObjectiveConfig defaults(Objective objective) {
        return new ObjectiveConfig(
                objective, 0.95, 0.5, 100, 0.2, 0.5, 0.1, 0.5, 1.0, 0.5, true, true);
    }

    /**
     * The same objective with L_pt weighted {@code coef} and the teacher's share {@code share} in
     * it.
     */
    public ObjectiveConfig withPretrain(double coef, double share) {
        return new ObjectiveConfig(
                objective,
                gamma,
                rewardScale,
                rewardClip,
                clipRange,
                gkdBeta,
                skewAlpha,
                kdRatio,
                coef,
                share,
                lengthNormalise,
                singleStepReg);
    }

    /** The same objective with the KD baseline's teacher share {@code kd}. */
    public ObjectiveConfig withKdRatio(double kd) {
        return new ObjectiveConfig(
                objective,
                gamma,
                rewardScale,
                rewardClip,
                clipRange,
                gkdBeta,
                skewAlpha,
                kd,
                ptCoef,
                ptTeacherShare,
                lengthNormalise,
                singleStepReg);
    }

    /**
     * The same objective with MiniLLM's length normalisation and single-step regulariser switched.
     */
    public ObjectiveConfig withAblations(boolean lengthNorm, boolean reg) {
        return new ObjectiveConfig(
                objective,
                gamma,
                rewardScale,
                rewardClip,
                clipRange,
                gkdBeta,
                skewAlpha,
                kdRatio,
                ptCoef,
                ptTeacherShare,
                lengthNorm,
                reg);
    }
}
