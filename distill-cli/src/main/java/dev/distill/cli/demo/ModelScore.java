package dev.distill.cli.demo;

import java.util.List;

/**
 * A model's held-out scores under the evaluator's protocol: the teacher and the SFT student are
 * scored in process, the distilled checkpoints by the evaluator service; both through {@code
 * Evaluation.run}.
 *
 * @param optionEce answer-option ECE on the multiple-choice items, null when the set has none
 * @param rklToTeacher reverse KL to the teacher on the model's own samples, null for the teacher
 *     itself
 */
public record ModelScore(
        String name,
        double rougeL,
        double rougeLStd,
        double exactMatch,
        double tokenEce,
        Double optionEce,
        Double rklToTeacher,
        List<Bin> reliability) {

    /** One bin of a token reliability diagram. */
    public record Bin(
            double lower, double upper, long count, double meanConfidence, double accuracy) {}
}
