package dev.distill.core.experiment;

import dev.distill.core.objective.Objective;
import dev.distill.core.objective.ObjectiveConfig;
import java.util.List;

/**
 * One arm of the comparison: an objective with the data it trains on and MiniLLM's switches. Every
 * arm starts from the same SFT student and trains for the same rounds, steps, learning rate and
 * L_pt.
 *
 * @param source what each round's rollouts are: the teacher mix sampled with the current student,
 *     teacher samples, or the dataset's references scored by the teacher
 * @param alpha the teacher's share of the sampling mix (SAMPLED only)
 */
public record Arm(
        String name,
        Objective objective,
        Source source,
        double alpha,
        boolean lengthNormalise,
        boolean singleStepReg,
        boolean pretrain,
        String description) {

    public enum Source {
        SAMPLED,
        TEACHER,
        REFERENCE
    }

    public ObjectiveConfig objectiveConfig(double ptTeacherShare) {
        return ObjectiveConfig.defaults(objective)
                .withAblations(lengthNormalise, singleStepReg)
                .withPretrain(pretrain ? 1.0 : 0.0, ptTeacherShare);
    }

    public static final Arm MINILLM =
            new Arm(
                    "minillm",
                    Objective.MINILLM,
                    Source.SAMPLED,
                    0.2,
                    true,
                    true,
                    true,
                    "MiniLLM: reverse KL by policy gradient, teacher mix 0.2, length normalisation,"
                            + " single-step regulariser, L_pt (teacher share 0.5)");
    public static final Arm SFT =
            new Arm(
                    "sft",
                    Objective.SFT,
                    Source.REFERENCE,
                    0,
                    true,
                    true,
                    true,
                    "SFT trained on: cross-entropy on the dataset's responses, the same L_pt as"
                            + " every arm (teacher share 0.5)");
    public static final Arm KD =
            new Arm(
                    "kd",
                    Objective.KD,
                    Source.REFERENCE,
                    0,
                    true,
                    true,
                    true,
                    "word-level KD: 0.5 CE + 0.5 teacher cross-entropy on the dataset's responses,"
                            + " the same L_pt");
    public static final Arm SEQKD =
            new Arm(
                    "seqkd",
                    Objective.SEQKD,
                    Source.TEACHER,
                    1,
                    true,
                    true,
                    true,
                    "SeqKD: cross-entropy on the teacher's samples, the same L_pt");
    public static final Arm GKD =
            new Arm(
                    "gkd",
                    Objective.GKD,
                    Source.SAMPLED,
                    0,
                    true,
                    true,
                    true,
                    "GKD: generalised JSD (beta 0.5) on the student's own samples, the same L_pt");
    public static final Arm NO_LENGTH_NORM =
            new Arm(
                    "minillm-no-length-norm",
                    Objective.MINILLM,
                    Source.SAMPLED,
                    0.2,
                    false,
                    true,
                    true,
                    "MiniLLM without length normalisation");
    public static final Arm NO_TEACHER_MIX =
            new Arm(
                    "minillm-no-teacher-mix",
                    Objective.MINILLM,
                    Source.SAMPLED,
                    0,
                    true,
                    true,
                    true,
                    "MiniLLM without the teacher mix (alpha 0)");
    public static final Arm NO_REG =
            new Arm(
                    "minillm-no-reg",
                    Objective.MINILLM,
                    Source.SAMPLED,
                    0.2,
                    true,
                    false,
                    true,
                    "MiniLLM without the single-step regulariser");
    public static final Arm NO_PT =
            new Arm(
                    "minillm-no-pt",
                    Objective.MINILLM,
                    Source.SAMPLED,
                    0.2,
                    true,
                    true,
                    false,
                    "MiniLLM without L_pt");

    public static final List<Arm> ALL =
            List.of(MINILLM, SFT, KD, SEQKD, GKD, NO_LENGTH_NORM, NO_TEACHER_MIX, NO_REG, NO_PT);

    public static Arm named(String name) {
        return ALL.stream()
                .filter(a -> a.name.equals(name))
                .findFirst()
                .orElseThrow(
                        () ->
                                new IllegalArgumentException(
                                        "unknown arm '"
                                                + name
                                                + "'; choose from "
                                                + ALL.stream().map(Arm::name).toList()));
    }
}
