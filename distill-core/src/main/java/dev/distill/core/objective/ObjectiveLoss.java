package dev.distill.core.objective;

import ai.djl.ndarray.NDArray;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The loss of each objective on one mini-batch of rollouts plus, when given, MiniLLM's pre-training
 * term on one language-modelling batch: exactly the composition the trainer differentiates. Pure:
 * no state, no engine calls beyond the tensor ops.
 */
public final class ObjectiveLoss {
    private ObjectiveLoss() {}

    /** What the trainer needs from a mini-batch of rollouts, all on the step's manager. */
    public record Inputs(
            NDArray responseIds,
            NDArray mask,
            NDArray teacherLogProbs,
            NDArray behaviourLogProbs,
            NDArray alpha,
            TeacherSupport support) {}

    /**
     * A language-modelling batch for L_pt.
     *
     * @param logits (Bp, Tp, V) student logits predicting each label
     * @param labels (Bp, Tp) int64
     * @param mask (Bp, Tp) 1 on real targets
     * @param teacher the teacher's scores on every target position, or null (then the teacher share
     *     must be 0)
     */
    public record Pretrain(NDArray logits, NDArray labels, NDArray mask, TeacherSupport teacher) {}

    /** The total to minimise and its named parts (scalars), for logging and metrics. */
    public record Terms(NDArray total, Map<String, NDArray> parts) {}

    /**
     * @param logits (B, T, V) student logits predicting each response token
     * @param pt the pre-training batch of this step, or null for none
     */
    public static Terms compute(ObjectiveConfig cfg, Inputs in, NDArray logits, Pretrain pt) {
        Map<String, NDArray> parts = new LinkedHashMap<>();
        NDArray total = objective(cfg, in, logits, parts);
        if (pt != null && cfg.ptCoef() > 0) {
            NDArray ptLoss = pretrain(pt, cfg.ptTeacherShare(), parts); // ()
            parts.put("pt", ptLoss);
            total = total.add(ptLoss.mul(Scalars.of(ptLoss, cfg.ptCoef()))); // ()
        }
        return new Terms(total, parts);
    }

    private static NDArray objective(
            ObjectiveConfig cfg, Inputs in, NDArray logits, Map<String, NDArray> parts) {
        NDArray mask = in.mask();
        switch (cfg.objective()) {
            case SFT, SEQKD -> {
                NDArray ce = PretrainLoss.crossEntropy(logits, in.responseIds(), mask); // ()
                parts.put("ce", ce);
                return ce;
            }
            case KD -> {
                // The reference baseline: (1 - kd) CE + kd teacher cross-entropy on the reference
                // responses.
                NDArray ce = PretrainLoss.crossEntropy(logits, in.responseIds(), mask); // ()
                NDArray distil = in.support().buckets(logits).teacherCrossEntropy(); // (B, T)
                parts.put("ce", ce);
                parts.put("distil", Divergences.tokenMean(distil, mask));
                return PretrainLoss.mixed(ce, distil, mask, cfg.kdRatio()); // ()
            }
            case GKD -> {
                NDArray jsd =
                        Divergences.tokenMean(
                                in.support().buckets(logits).jsd(cfg.gkdBeta()), mask); // ()
                parts.put("jsd", jsd);
                return jsd;
            }
            case SKEW_KL -> {
                NDArray skew =
                        Divergences.tokenMean(
                                in.support().buckets(logits).skewForwardKl(cfg.skewAlpha()), mask);
                parts.put("skew_fkl", skew);
                return skew;
            }
            case MINILLM -> {
                NDArray rewards =
                        Advantages.rewards(
                                in.teacherLogProbs(),
                                in.behaviourLogProbs(),
                                mask,
                                cfg.rewardScale(),
                                cfg.rewardClip()); // (B, T)
                NDArray returns = Advantages.discountedReturns(rewards, cfg.gamma()); // (B, T)
                NDArray scaled =
                        cfg.lengthNormalise()
                                ? Advantages.lengthNormalised(returns, mask)
                                : returns; // (B, T)
                NDArray adv = Advantages.whiten(scaled, mask, 1e-8); // (B, T)
                NDArray w =
                        Advantages.importanceWeights(
                                in.teacherLogProbs(), in.behaviourLogProbs(), in.alpha()); // (B, T)
                NDArray logq =
                        PolicyLoss.tokenLogProbs(logits, in.responseIds()).mul(mask); // (B, T)
                NDArray ratio = PolicyLoss.ratio(logq, in.behaviourLogProbs(), w, mask); // (B, T)
                NDArray pg = PolicyLoss.loss(adv, ratio, mask, cfg.clipRange()); // ()
                NDArray reg =
                        Divergences.tokenMean(in.support().buckets(logits).reverseKl(), mask); // ()
                parts.put("pg", pg);
                parts.put("reg", reg);
                parts.put("reward", Divergences.tokenMean(rewards, mask));
                // Without the regulariser it is still computed and logged, as the ablation's
                // diagnostic.
                return cfg.singleStepReg() ? pg.add(reg) : pg; // ()
            }
            default ->
                    throw new IllegalStateException(
                            "objective " + cfg.objective() + " has no loss");
        }
    }

    /**
     * L_pt = (1 - share) CE + share (-sum_v p log q), the teacher side on its support set plus tail
     * bucket.
     */
    private static NDArray pretrain(Pretrain pt, double share, Map<String, NDArray> parts) {
        NDArray ce = PretrainLoss.crossEntropy(pt.logits(), pt.labels(), pt.mask()); // ()
        if (share == 0) {
            return ce;
        }
        if (pt.teacher() == null) {
            throw new IllegalArgumentException(
                    "the pre-training term mixes in the teacher (share "
                            + share
                            + ") but the pre-training batch has no teacher scores");
        }
        NDArray distil = pt.teacher().buckets(pt.logits()).teacherCrossEntropy(); // (Bp, Tp)
        parts.put("pt_ce", ce);
        parts.put("pt_distil", Divergences.tokenMean(distil, pt.mask()));
        return PretrainLoss.mixed(ce, distil, pt.mask(), share); // ()
    }
}
