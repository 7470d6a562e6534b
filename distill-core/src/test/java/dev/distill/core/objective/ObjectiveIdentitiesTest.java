package dev.distill.core.objective;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ObjectiveIdentitiesTest {
    NDManager m;

    @BeforeEach
    void setUp() {
        m = NDManager.newBaseManager();
    }

    @AfterEach
    void tearDown() {
        m.close();
    }

    NDArray logits(double... v) {
        return m.create(v, new Shape(1, 1, v.length));
    }

    double value(NDArray a) {
        return a.toType(DataType.FLOAT64, false).toDoubleArray()[0];
    }

    @Test
    void everyDivergenceIsZeroForIdenticalDistributions() {
        NDArray q = logits(0.3, -1.2, 2.0, 0.1);
        NDArray lp = q.logSoftmax(-1);
        assertEquals(0, value(Divergences.reverseKl(q, lp)), 1e-12);
        assertEquals(0, value(Divergences.forwardKl(q, lp)), 1e-12);
        assertEquals(0, value(Divergences.jsd(q, lp, 0.5)), 1e-12);
        assertEquals(0, value(Divergences.skewForwardKl(q, lp, 0.1)), 1e-12);
        assertEquals(0, value(Divergences.skewReverseKl(q, lp, 0.1)), 1e-12);
    }

    @Test
    void reverseKlIsKlOfStudentFromTeacherAndForwardIsTheOtherDirection() {
        double[] q = {0.9, 0.05, 0.05};
        double[] p = {0.4, 0.3, 0.3};
        NDArray studentLogits = logits(Math.log(q[0]), Math.log(q[1]), Math.log(q[2]));
        NDArray teacherLogProbs = logits(Math.log(p[0]), Math.log(p[1]), Math.log(p[2]));
        double rkl = 0, fkl = 0;
        for (int i = 0; i < 3; i++) {
            rkl += q[i] * Math.log(q[i] / p[i]);
            fkl += p[i] * Math.log(p[i] / q[i]);
        }
        assertEquals(rkl, value(Divergences.reverseKl(studentLogits, teacherLogProbs)), 1e-12);
        assertEquals(fkl, value(Divergences.forwardKl(studentLogits, teacherLogProbs)), 1e-12);
        assertTrue(
                Math.abs(rkl - fkl) > 0.1, "the two directions differ on asymmetric distributions");
    }

    @Test
    void supportKlIsExactOnTheWholeVocabularyAndALowerBoundOnAPart() {
        NDArray q = logits(1.0, 0.2, -0.5, 0.7, -2.0);
        NDArray lp = logits(-0.3, 1.1, 0.4, -1.0, 0.0).logSoftmax(-1);
        double exact = value(Divergences.reverseKl(q, lp));
        SupportBuckets everything = SupportBuckets.exact(q, lp);
        assertEquals(exact, value(everything.reverseKl()), 1e-12);
        assertEquals(value(Divergences.forwardKl(q, lp)), value(everything.forwardKl()), 1e-12);
        assertEquals(value(Divergences.jsd(q, lp, 0.3)), value(everything.jsd(0.3)), 1e-12);
        assertEquals(
                value(Divergences.skewForwardKl(q, lp, 0.1)),
                value(everything.skewForwardKl(0.1)),
                1e-12);
        assertEquals(
                value(Divergences.skewReverseKl(q, lp, 0.1)),
                value(everything.skewReverseKl(0.1)),
                1e-12);

        NDArray part =
                m.create(new long[] {0, 1, 0}, new Shape(1, 1, 3)); // {0, 1} + one padding slot
        NDArray partValid = m.create(new double[] {1, 1, 0}, new Shape(1, 1, 3));
        NDArray partLp = lp.gather(part, -1).mul(partValid);
        double pTail = 1 - Math.exp(lp.toDoubleArray()[0]) - Math.exp(lp.toDoubleArray()[1]);
        NDArray tail = m.create(new double[] {Math.log(pTail)}, new Shape(1, 1));
        SupportBuckets coarse = SupportBuckets.of(q, part, partValid, partLp, tail);
        double bound = value(coarse.reverseKl());
        assertTrue(bound <= exact + 1e-12 && bound >= 0, "bound " + bound + " vs exact " + exact);
        double fklBound = value(coarse.forwardKl());
        double fkl = value(Divergences.forwardKl(q, lp));
        assertTrue(
                fklBound <= fkl + 1e-12 && fklBound >= 0,
                "forward bound " + fklBound + " vs exact " + fkl);
    }

    @Test
    void tokenMeanIgnoresPaddingAndPolicyLossIsZeroForZeroAdvantage() {
        NDArray x = m.create(new double[] {1, 2, 3, 100}, new Shape(1, 4));
        NDArray mask = m.create(new double[] {1, 1, 1, 0}, new Shape(1, 4));
        assertEquals(2.0, value(Divergences.tokenMean(x, mask)), 1e-12);
        NDArray zero = m.zeros(new Shape(1, 4), DataType.FLOAT64);
        assertEquals(0, value(PolicyLoss.loss(zero, x, mask, 0.2)), 1e-12);
    }

    @Test
    void importanceWeightIsOneWhenTeacherAndBehaviourAgree() {
        NDArray lp = m.create(new double[] {-0.5, -2.0}, new Shape(1, 2));
        assertEquals(1.0, Advantages.importanceWeights(lp, lp, 0.2).toDoubleArray()[1], 1e-12);
    }

    @Test
    void lengthNormalisationDividesByTokensRemaining() {
        NDArray returns = m.create(new double[] {6, 4, 2, 0}, new Shape(1, 4));
        NDArray mask = m.create(new double[] {1, 1, 1, 0}, new Shape(1, 4));
        double[] n = Advantages.lengthNormalised(returns, mask).toDoubleArray();
        assertEquals(2.0, n[0], 1e-12); // 6 / 3 tokens
        assertEquals(2.0, n[1], 1e-12); // 4 / 2
        assertEquals(2.0, n[2], 1e-12); // 2 / 1
        assertEquals(0.0, n[3], 1e-12); // padding: 0 / 1
    }

    @Test
    void whiteningNeedsAtLeastTwoRealTokens() {
        NDArray x = m.create(new double[] {1, 2}, new Shape(1, 2));
        NDArray mask = m.create(new double[] {1, 0}, new Shape(1, 2));
        assertThrows(IllegalArgumentException.class, () -> Advantages.whiten(x, mask, 1e-8));
    }
}
