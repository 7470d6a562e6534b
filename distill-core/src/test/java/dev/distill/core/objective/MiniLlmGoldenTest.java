package dev.distill.core.objective;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

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
            NDArray behaviour = c.input(m, "behaviour_logits"); // (B, T, V)
            NDArray teacher = c.input(m, "teacher_logits"); // (B, T, V)
            NDArray student = c.input(m, "student_logits"); // (B, T, V)
            NDArray y = c.ids(m, "response_ids"); // (B, T)
            NDArray mask = c.input(m, "mask"); // (B, T)
            NDArray ptStudent = c.input(m, "pt_student_logits"); // (Bp, Tp, V)
            NDArray ptTeacher = c.input(m, "pt_teacher_logits"); // (Bp, Tp, V)
            NDArray ptLabelsRaw = c.input(m, "pt_labels"); // (Bp, Tp)
            NDArray ptMask =
                    ptLabelsRaw.neq(m.create(-100.0)).toType(DataType.FLOAT64, false); // (Bp, Tp)
            NDArray ptLabels = ptLabelsRaw.mul(ptMask).toType(DataType.INT64, false); // (Bp, Tp)

            NDArray logqOld = PolicyLoss.tokenLogProbs(behaviour, y).mul(mask);
            NDArray logp = PolicyLoss.tokenLogProbs(teacher, y).mul(mask);
            c.assertClose("logq_old", logqOld);
            c.assertClose("logp", logp);
            NDArray w = Advantages.importanceWeights(logp, logqOld, c.hyper("alpha"));
            c.assertClose("w", w);
            NDArray rewards =
                    Advantages.rewards(
                            logp,
                            logqOld,
                            mask,
                            c.hyper("reward_scaling"),
                            c.hyper("cliprange_reward"));
            c.assertClose("rewards", rewards);
            NDArray normed =
                    Advantages.lengthNormalised(
                            Advantages.discountedReturns(rewards, c.hyper("gamma")), mask);
            c.assertClose("returns_normed", normed);
            NDArray adv = Advantages.whiten(normed, mask, 1e-8);
            c.assertClose("advantages", adv);

            NDArray teacherLogProbs = teacher.logSoftmax(-1); // (B, T, V)
            TeacherSupport support = c.support(m, teacherLogProbs);

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
                NDArray klSupport = support.buckets(student).reverseKl();
                c.assertClose("kl_support_per_position", klSupport);
                c.assertClose("reg_loss_topk", Divergences.tokenMean(klSupport, mask));

                NDArray ce = PretrainLoss.crossEntropy(ptStudent, ptLabels, ptMask);
                c.assertClose("pt_ce", ce);
                NDArray distilPos =
                        SupportBuckets.exact(ptStudent, ptTeacher.logSoftmax(-1))
                                .teacherCrossEntropy();
                c.assertClose("pt_distil", Divergences.tokenMean(distilPos, ptMask));
                NDArray pt = PretrainLoss.mixed(ce, distilPos, ptMask, c.hyper("kd_ratio"));
                c.assertClose("pt_loss", pt);
                NDArray total = pg.add(reg).add(pt);
                c.assertClose("total_loss", total);
                gc.backward(total);
            }
            c.assertClose("grad_student_logits", student.getGradient());
            c.assertClose("grad_pt_student_logits", ptStudent.getGradient());

            c.assertClose(
                    "fkl_mean",
                    Divergences.tokenMean(Divergences.forwardKl(student, teacherLogProbs), mask));
            c.assertClose(
                    "rkl_mean",
                    Divergences.tokenMean(Divergences.reverseKl(student, teacherLogProbs), mask));
            for (String beta : new String[] {"0.1", "0.5", "0.9"}) {
                c.assertClose(
                        "jsd_beta_" + beta,
                        Divergences.tokenMean(
                                Divergences.jsd(student, teacherLogProbs, Double.parseDouble(beta)),
                                mask));
            }
            c.assertClose(
                    "skew_fkl_0.1",
                    Divergences.tokenMean(
                            Divergences.skewForwardKl(student, teacherLogProbs, 0.1), mask));
            c.assertClose(
                    "skew_rkl_0.1",
                    Divergences.tokenMean(
                            Divergences.skewReverseKl(student, teacherLogProbs, 0.1), mask));
        }
    }
}
