package dev.distill.core.objective;

import ai.djl.ndarray.NDArray;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The loss of each objective on one mini-batch of rollouts, from the student's logits at the response
 * positions and the recorded scores. Pure: no state, no engine calls beyond the tensor ops.
 */
public final class ObjectiveLoss {
    private ObjectiveLoss() {}

    /** What the trainer needs from a mini-batch of rollouts, all on the step's manager. */
    public record Inputs(NDArray responseIds, NDArray mask, NDArray teacherLogProbs, NDArray behaviourLogProbs,
                         NDArray alpha, NDArray supportIds, NDArray supportValid, NDArray supportTeacherLogProbs,
                         NDArray teacherTailLogMass) {}

    /** The total to minimise and its named parts (scalars), for logging and metrics. */
    public record Terms(NDArray total, Map<String, NDArray> parts) {}

    /** @param logits (B, T, V) student logits predicting each response token */
    public static Terms compute(ObjectiveConfig cfg, Inputs in, NDArray logits) {
        Map<String, NDArray> parts = new LinkedHashMap<>();
        NDArray mask = in.mask();
        NDArray total;
        switch (cfg.objective()) {
            case SFT, SEQKD -> {
                total = PretrainLoss.crossEntropy(logits, in.responseIds(), mask);
                parts.put("ce", total);
            }
            case KD -> {
                total = Divergences.tokenMean(buckets(in, logits).forwardKl(), mask);
                parts.put("fkl", total);
            }
            case GKD -> {
                total = Divergences.tokenMean(buckets(in, logits).jsd(cfg.gkdBeta()), mask);
                parts.put("jsd", total);
            }
            case SKEW_KL -> {
                total = Divergences.tokenMean(buckets(in, logits).skewForwardKl(cfg.skewAlpha()), mask);
                parts.put("skew_fkl", total);
            }
            case MINILLM -> {
                NDArray rewards = Advantages.rewards(in.teacherLogProbs(), in.behaviourLogProbs(), mask,
                        cfg.rewardScale(), cfg.rewardClip());                                       // (B, T)
                NDArray returns = Advantages.discountedReturns(rewards, cfg.gamma());              // (B, T)
                NDArray adv = Advantages.whiten(Advantages.lengthNormalised(returns, mask), mask, 1e-8); // (B, T)
                NDArray w = Advantages.importanceWeights(in.teacherLogProbs(), in.behaviourLogProbs(), in.alpha()); // (B, T)
                NDArray logq = PolicyLoss.tokenLogProbs(logits, in.responseIds()).mul(mask);     // (B, T)
                NDArray ratio = PolicyLoss.ratio(logq, in.behaviourLogProbs(), w, mask);          // (B, T)
                NDArray pg = PolicyLoss.loss(adv, ratio, mask, cfg.clipRange());                 // ()
                NDArray reg = Divergences.tokenMean(buckets(in, logits).reverseKl(), mask);      // ()
                parts.put("pg", pg);
                parts.put("reg", reg);
                parts.put("reward", Divergences.tokenMean(rewards, mask));
                total = pg.add(reg);
            }
            default -> throw new IllegalStateException("objective " + cfg.objective() + " has no loss");
        }
        return new Terms(total, parts);
    }

    private static SupportBuckets buckets(Inputs in, NDArray logits) {
        return SupportBuckets.of(logits, in.supportIds(), in.supportValid(), in.supportTeacherLogProbs(),
                in.teacherTailLogMass());
    }
}
