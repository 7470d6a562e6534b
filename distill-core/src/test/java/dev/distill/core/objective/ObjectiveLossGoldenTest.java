package dev.distill.core.objective;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * {@link ObjectiveLoss#compute}, the composition the trainer differentiates, against the golden
 * vectors: MiniLLM on the support set the rollout records (pg + support-set regulariser + L_pt with
 * the teacher's 0.5 share) with its gradients, the reference KD baseline, the regulariser ablation,
 * and the support-set gap.
 */
class ObjectiveLossGoldenTest {

    @TestFactory
    Stream<DynamicTest> miniLlmOnTheSupportSetMatchesGoldenLossAndGradients() throws IOException {
        return GoldenCase.all().stream()
                .map(
                        c ->
                                DynamicTest.dynamicTest(
                                        c.name,
                                        () -> {
                                            try (NDManager m = NDManager.newBaseManager()) {
                                                Batch in = Batch.of(m, c);
                                                ObjectiveConfig cfg =
                                                        ObjectiveConfig.defaults(Objective.MINILLM)
                                                                .withPretrain(
                                                                        c.hyper("lm_coef"),
                                                                        c.hyper("kd_ratio"));
                                                try (GradientCollector gc =
                                                        Engine.getEngine("PyTorch")
                                                                .newGradientCollector()) {
                                                    ObjectiveLoss.Terms terms =
                                                            ObjectiveLoss.compute(
                                                                    cfg,
                                                                    in.inputs,
                                                                    in.student,
                                                                    in.pretrain);
                                                    c.assertClose(
                                                            "pg_loss", terms.parts().get("pg"));
                                                    c.assertClose(
                                                            "reg_loss_topk",
                                                            terms.parts().get("reg"));
                                                    c.assertClose(
                                                            "pt_loss", terms.parts().get("pt"));
                                                    c.assertClose(
                                                            "pt_ce", terms.parts().get("pt_ce"));
                                                    c.assertClose(
                                                            "pt_distil",
                                                            terms.parts().get("pt_distil"));
                                                    c.assertClose("total_loss_topk", terms.total());
                                                    gc.backward(terms.total());
                                                }
                                                // Through the student's tail mass too: cutting it
                                                // leaves gradients off by up to 1.7e-2.
                                                c.assertClose(
                                                        "grad_student_logits_topk",
                                                        in.student.getGradient());
                                                c.assertClose(
                                                        "grad_pt_student_logits",
                                                        in.ptStudent.getGradient());
                                            }
                                        }));
    }

    @TestFactory
    Stream<DynamicTest> kdBaselineIsTheReferenceMixOfCrossEntropyAndTeacherCrossEntropy()
            throws IOException {
        return GoldenCase.all().stream()
                .map(
                        c ->
                                DynamicTest.dynamicTest(
                                        c.name,
                                        () -> {
                                            try (NDManager m = NDManager.newBaseManager()) {
                                                Batch in = Batch.of(m, c);
                                                // The reference KD trains on the dataset's
                                                // responses with the L_pt formula: the golden
                                                // pre-training batch, read as a batch of reference
                                                // rollouts, must give pt_loss.
                                                ObjectiveLoss.Inputs refs =
                                                        new ObjectiveLoss.Inputs(
                                                                in.pretrain.labels(),
                                                                in.pretrain.mask(),
                                                                null,
                                                                null,
                                                                null,
                                                                in.pretrain.teacher());
                                                ObjectiveConfig cfg =
                                                        ObjectiveConfig.defaults(Objective.KD)
                                                                .withKdRatio(c.hyper("kd_ratio"));
                                                try (GradientCollector gc =
                                                        Engine.getEngine("PyTorch")
                                                                .newGradientCollector()) {
                                                    ObjectiveLoss.Terms terms =
                                                            ObjectiveLoss.compute(
                                                                    cfg, refs, in.ptStudent, null);
                                                    c.assertClose("pt_loss", terms.total());
                                                    c.assertClose("pt_ce", terms.parts().get("ce"));
                                                    c.assertClose(
                                                            "pt_distil",
                                                            terms.parts().get("distil"));
                                                    gc.backward(terms.total());
                                                }
                                                c.assertClose(
                                                        "grad_pt_student_logits",
                                                        in.ptStudent.getGradient());
                                            }
                                        }));
    }

    @TestFactory
    Stream<DynamicTest> withoutTheRegulariserTheTotalIsPolicyGradientPlusPretraining()
            throws IOException {
        return GoldenCase.all().stream()
                .map(
                        c ->
                                DynamicTest.dynamicTest(
                                        c.name,
                                        () -> {
                                            try (NDManager m = NDManager.newBaseManager()) {
                                                Batch in = Batch.of(m, c);
                                                ObjectiveConfig cfg =
                                                        ObjectiveConfig.defaults(Objective.MINILLM)
                                                                .withPretrain(
                                                                        c.hyper("lm_coef"),
                                                                        c.hyper("kd_ratio"))
                                                                .withAblations(true, false);
                                                ObjectiveLoss.Terms terms =
                                                        ObjectiveLoss.compute(
                                                                cfg,
                                                                in.inputs,
                                                                in.student,
                                                                in.pretrain);
                                                double want =
                                                        c.expected("pg_loss").asDouble()
                                                                + c.expected("pt_loss").asDouble();
                                                assertEquals(
                                                        want,
                                                        terms.total()
                                                                .toType(DataType.FLOAT64, false)
                                                                .getDouble(),
                                                        1e-9);
                                                c.assertClose(
                                                        "reg_loss_topk", terms.parts().get("reg"));
                                            }
                                        }));
    }

    @TestFactory
    Stream<DynamicTest> withoutLengthNormalisationAdvantagesAreWhitenedReturns()
            throws IOException {
        return GoldenCase.all().stream()
                .map(
                        c ->
                                DynamicTest.dynamicTest(
                                        c.name,
                                        () -> {
                                            try (NDManager m = NDManager.newBaseManager()) {
                                                Batch in = Batch.of(m, c);
                                                ObjectiveConfig on =
                                                        ObjectiveConfig.defaults(Objective.MINILLM);
                                                ObjectiveConfig off = on.withAblations(false, true);
                                                double pgOn =
                                                        ObjectiveLoss.compute(
                                                                        on,
                                                                        in.inputs,
                                                                        in.student,
                                                                        null)
                                                                .parts()
                                                                .get("pg")
                                                                .toType(DataType.FLOAT64, false)
                                                                .getDouble();
                                                double pgOff =
                                                        ObjectiveLoss.compute(
                                                                        off,
                                                                        in.inputs,
                                                                        in.student,
                                                                        null)
                                                                .parts()
                                                                .get("pg")
                                                                .toType(DataType.FLOAT64, false)
                                                                .getDouble();
                                                assertEquals(
                                                        c.expected("pg_loss").asDouble(),
                                                        pgOn,
                                                        1e-9);
                                                assertFalse(
                                                        Math.abs(pgOn - pgOff) < 1e-6,
                                                        "switching length normalisation off changed"
                                                                + " nothing");
                                            }
                                        }));
    }

    @TestFactory
    Stream<DynamicTest> supportGapIsExactMinusBucketedReverseKl() throws IOException {
        return GoldenCase.all().stream()
                .map(
                        c ->
                                DynamicTest.dynamicTest(
                                        c.name,
                                        () -> {
                                            try (NDManager m = NDManager.newBaseManager()) {
                                                double[] lq =
                                                        c.input(m, "student_logits")
                                                                .logSoftmax(-1)
                                                                .toDoubleArray();
                                                double[] lp =
                                                        c.input(m, "teacher_logits")
                                                                .logSoftmax(-1)
                                                                .toDoubleArray();
                                                double[] mask = c.input(m, "mask").toDoubleArray();
                                                com.fasterxml.jackson.databind.JsonNode support =
                                                        c.expected("support_mask");
                                                double sum = 0;
                                                double n = 0;
                                                for (int i = 0; i < c.b; i++) {
                                                    for (int t = 0; t < c.t; t++) {
                                                        if (mask[i * c.t + t] == 0) {
                                                            continue;
                                                        }
                                                        com.fasterxml.jackson.databind.JsonNode
                                                                row01 = support.get(i).get(t);
                                                        int[] ids =
                                                                java.util.stream.IntStream.range(
                                                                                0, c.v)
                                                                        .filter(
                                                                                x ->
                                                                                        row01.get(x)
                                                                                                        .asInt()
                                                                                                == 1)
                                                                        .toArray();
                                                        int row = (i * c.t + t) * c.v;
                                                        sum +=
                                                                SupportGap.at(
                                                                        java.util.Arrays
                                                                                .copyOfRange(
                                                                                        lq, row,
                                                                                        row + c.v),
                                                                        java.util.Arrays
                                                                                .copyOfRange(
                                                                                        lp, row,
                                                                                        row + c.v),
                                                                        ids);
                                                        n++;
                                                    }
                                                }
                                                assertEquals(
                                                        c.expected("reg_support_gap").asDouble(),
                                                        sum / n,
                                                        1e-9);
                                            }
                                        }));
    }

    /**
     * The golden inputs in the trainer's representation, with gradients on both student logit
     * tensors.
     */
    private record Batch(
            NDArray student,
            NDArray ptStudent,
            ObjectiveLoss.Inputs inputs,
            ObjectiveLoss.Pretrain pretrain) {
        static Batch of(NDManager m, GoldenCase c) {
            NDArray behaviour = c.input(m, "behaviour_logits"); // (B, T, V)
            NDArray teacher = c.input(m, "teacher_logits").logSoftmax(-1); // (B, T, V)
            NDArray student = c.input(m, "student_logits"); // (B, T, V)
            NDArray y = c.ids(m, "response_ids"); // (B, T)
            NDArray mask = c.input(m, "mask"); // (B, T)
            NDArray logqOld = PolicyLoss.tokenLogProbs(behaviour, y).mul(mask); // (B, T)
            NDArray logp = PolicyLoss.tokenLogProbs(teacher, y).mul(mask); // (B, T)
            NDArray alpha =
                    m.ones(new ai.djl.ndarray.types.Shape(c.b, 1), DataType.FLOAT64)
                            .mul(c.hyper("alpha")); // (B, 1)
            ObjectiveLoss.Inputs inputs =
                    new ObjectiveLoss.Inputs(y, mask, logp, logqOld, alpha, c.support(m, teacher));

            NDArray ptStudent = c.input(m, "pt_student_logits"); // (Bp, Tp, V)
            NDArray ptTeacher = c.input(m, "pt_teacher_logits").logSoftmax(-1); // (Bp, Tp, V)
            NDArray raw = c.input(m, "pt_labels"); // (Bp, Tp)
            NDArray ptMask = raw.neq(m.create(-100.0)).toType(DataType.FLOAT64, false); // (Bp, Tp)
            NDArray labels = raw.mul(ptMask).toType(DataType.INT64, false); // (Bp, Tp)
            ObjectiveLoss.Pretrain pretrain =
                    new ObjectiveLoss.Pretrain(
                            ptStudent, labels, ptMask, GoldenCase.exactSupport(m, ptTeacher));
            student.setRequiresGradient(true);
            ptStudent.setRequiresGradient(true);
            return new Batch(student, ptStudent, inputs, pretrain);
        }
    }
}
