package dev.distill.core.objective;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.util.List;
import java.util.stream.Stream;

/**
 * Every intermediate, every loss and the gradients of the total loss with respect to the student
 * logits against the float64 PyTorch golden vectors (shared/golden, copied into test resources).
 */
class MiniLlmGoldenTest {

    @TestFactory
    Stream<DynamicTest> matchesGoldenVectors() throws IOException {
        List<GoldenCase> cases = GoldenCase.all();
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.name, () -> check(c)));
    }

    private static void check(GoldenCase c) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray behaviour = c.input(m, "behaviour_logits");                                // (B, T, V)
            NDArray teacher = c.input(m, "teacher_logits");                                    // (B, T, V)
            NDArray student = c.input(m, "student_logits");                                    // (B, T, V)
            NDArray y = c.ids(m, "response_ids");                                              // (B, T)
            NDArray mask = c.input(m, "mask");                                                 // (B, T)
            NDArray ptStudent = c.input(m, "pt_student_logits");                               // (Bp, Tp, V)
            NDArray ptTeacher = c.input(m, "pt_teacher_logits");                               // (Bp, Tp, V)
            NDArray ptLabelsRaw = c.input(m, "pt_labels");                                     // (Bp, Tp)
            NDArray ptMask = ptLabelsRaw.neq(m.create(-100.0)).toType(DataType.FLOAT64, false); // (Bp, Tp)
            NDArray ptLabels = ptLabelsRaw.mul(ptMask).toType(DataType.INT64, false);           // (Bp, Tp)

            NDArray logqOld = PolicyLoss.tokenLogProbs(behaviour, y).mul(mask);
            NDArray logp = PolicyLoss.tokenLogProbs(teacher, y).mul(mask);
            c.assertClose("logq_old", logqOld);
            c.assertClose("logp", logp);
            NDArray w = Advantages.importanceWeights(logp, logqOld, c.hyper("alpha"));
            c.assertClose("w", w);
            NDArray rewards = Advantages.rewards(logp, logqOld, mask, c.hyper("reward_scaling"), c.hyper("cliprange_reward"));
            c.assertClose("rewards", rewards);
            NDArray normed = Advantages.lengthNormalised(Advantages.discountedReturns(rewards, c.hyper("gamma")), mask);
            c.assertClose("returns_normed", normed);
            NDArray adv = Advantages.whiten(normed, mask, 1e-8);
            c.assertClose("advantages", adv);

            NDArray teacherLogProbs = teacher.logSoftmax(-1);                                  // (B, T, V)
            Support support = Support.fromMask(m, c.expected("support_mask"), teacherLogProbs);

            student.setRequiresGradient(true);
            ptStudent.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray logqCur = PolicyLoss.tokenLogProbs(student, y).mul(mask);
                NDArray ratio = PolicyLoss.ratio(logqCur, logqOld, w, mask);
                c.assertClose("ratio", ratio);
                NDArray pg = PolicyLoss.loss(adv, ratio, mask, c.hyper("cliprange"));
                c.assertClose("pg_loss", pg);
                NDArray klPos = Divergences.reverseKl(student, teacherLogProbs);
                c.assertClose("kl_per_position", klPos);
                NDArray reg = Divergences.tokenMean(klPos, mask);
                c.assertClose("reg_loss", reg);
                NDArray klSupport = SupportBuckets.of(student, support.ids, support.valid,
                        support.teacherLogProbs, support.teacherTailLogMass).reverseKl();
                c.assertClose("kl_support_per_position", klSupport);
                c.assertClose("reg_loss_topk", Divergences.tokenMean(klSupport, mask));

                NDArray ce = PretrainLoss.crossEntropy(ptStudent, ptLabels, ptMask);
                c.assertClose("pt_ce", ce);
                NDArray distilPos = SupportBuckets.exact(ptStudent, ptTeacher.logSoftmax(-1)).teacherCrossEntropy();
                c.assertClose("pt_distil", Divergences.tokenMean(distilPos, ptMask));
                NDArray pt = PretrainLoss.mixed(ce, distilPos, ptMask, c.hyper("kd_ratio"));
                c.assertClose("pt_loss", pt);
                NDArray total = pg.add(reg).add(pt);
                c.assertClose("total_loss", total);
                gc.backward(total);
            }
            c.assertClose("grad_student_logits", student.getGradient());
            c.assertClose("grad_pt_student_logits", ptStudent.getGradient());

            c.assertClose("fkl_mean", Divergences.tokenMean(Divergences.forwardKl(student, teacherLogProbs), mask));
            c.assertClose("rkl_mean", Divergences.tokenMean(Divergences.reverseKl(student, teacherLogProbs), mask));
            for (String beta : new String[] {"0.1", "0.5", "0.9"}) {
                c.assertClose("jsd_beta_" + beta, Divergences.tokenMean(
                        Divergences.jsd(student, teacherLogProbs, Double.parseDouble(beta)), mask));
            }
            c.assertClose("skew_fkl_0.1", Divergences.tokenMean(Divergences.skewForwardKl(student, teacherLogProbs, 0.1), mask));
            c.assertClose("skew_rkl_0.1", Divergences.tokenMean(Divergences.skewReverseKl(student, teacherLogProbs, 0.1), mask));
        }
    }

    /** A support set in the rollout's representation: ids padded to K, validity, teacher scores, tail. */
    record Support(NDArray ids, NDArray valid, NDArray teacherLogProbs, NDArray teacherTailLogMass) {
        static Support fromMask(NDManager m, com.fasterxml.jackson.databind.JsonNode mask, NDArray teacherLogProbs) {
            int b = mask.size(), t = mask.get(0).size(), v = mask.get(0).get(0).size();
            int k = 0;
            for (int i = 0; i < b; i++) {
                for (int j = 0; j < t; j++) {
                    int n = 0;
                    for (int x = 0; x < v; x++) {
                        n += mask.get(i).get(j).get(x).asInt();
                    }
                    k = Math.max(k, n);
                }
            }
            long[] ids = new long[b * t * k];
            double[] valid = new double[b * t * k];
            for (int i = 0; i < b; i++) {
                for (int j = 0; j < t; j++) {
                    int n = 0;
                    for (int x = 0; x < v; x++) {
                        if (mask.get(i).get(j).get(x).asInt() == 1) {
                            ids[(i * t + j) * k + n] = x;
                            valid[(i * t + j) * k + n] = 1;
                            n++;
                        }
                    }
                }
            }
            return of(m, m.create(ids, new Shape(b, t, k)), m.create(valid, new Shape(b, t, k)), teacherLogProbs);
        }

        private static Support of(NDManager m, NDArray ids, NDArray valid, NDArray teacherLogProbs) {
            NDArray lp = teacherLogProbs.gather(ids, -1).mul(valid);                          // (B, T, K)
            NDArray tail = m.create(1.0).sub(lp.exp().mul(valid).sum(new int[] {-1})).maximum(m.create(1e-30)).log();
            return new Support(ids, valid, lp, tail);
        }
    }
}
