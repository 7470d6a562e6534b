package dev.distill.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class CalibrationTest {

    private static void addMany(Calibration c, double confidence, int n, int nCorrect) {
        for (int i = 0; i < n; i++) {
            c.add(confidence, i < nCorrect);
        }
    }

    @Test
    void perfectlyCalibratedIsZero() {
        Calibration c = new Calibration();
        addMany(c, 0.8, 10, 8);
        addMany(c, 0.3, 20, 6);
        addMany(c, 1.0, 5, 5);
        Calibration.Result r = c.result();
        assertEquals(0.0, r.ece(), 1e-12);
        assertEquals(35, r.count());
    }

    @Test
    void floatConfidencesAreAccumulatedAsGiven() {
        // 0.8f is 0.800000011920929, so the "perfect" data is off by exactly that rounding.
        Calibration c = new Calibration();
        for (int i = 0; i < 10; i++) {
            c.add(0.8f, i < 8);
        }
        assertEquals((double) 0.8f - 0.8, c.result().ece(), 1e-12);
    }

    @Test
    void overconfidentGap() {
        Calibration c = new Calibration();
        addMany(c, 0.9, 10, 6);
        assertEquals(0.3, c.result().ece(), 1e-12);
    }

    @Test
    void weightsBinsByTheirShare() {
        Calibration c = new Calibration();
        c.add(0.95, true);
        c.add(0.95, false); // bin 14: gap 0.45
        c.add(0.5, true);
        c.add(0.5, true); // bin 7: gap 0.5
        c.add(0.1, false); // bin 1: gap 0.1
        Calibration.Result r = c.result();
        assertEquals(2.0 / 5 * 0.45 + 2.0 / 5 * 0.5 + 1.0 / 5 * 0.1, r.ece(), 1e-12);
        Calibration.Bin b14 = r.bins().get(14);
        assertEquals(2, b14.count());
        assertEquals(0.95, b14.meanConfidence(), 1e-12);
        assertEquals(0.5, b14.accuracy(), 1e-12);
        assertEquals(2, r.bins().get(7).count());
        assertEquals(1, r.bins().get(1).count());
        assertEquals(0, r.bins().get(0).count());
    }

    @Test
    void binEdgesAreLeftOpenRightClosed() {
        assertEquals(0, Calibration.binOf(0.0));
        assertEquals(14, Calibration.binOf(1.0));
        for (int i = 1; i < Calibration.BINS; i++) {
            double edge = i / 15.0;
            assertEquals(
                    i - 1, Calibration.binOf(edge), "edge " + i + "/15 belongs to the lower bin");
            assertEquals(i, Calibration.binOf(Math.nextUp(edge)), "just above " + i + "/15");
            assertEquals(i - 1, Calibration.binOf(Math.nextDown(edge)), "just below " + i + "/15");
        }
        // A float confidence is binned by its exact value: 1/15 rounded to float lies above 1/15.
        assertEquals(1, Calibration.binOf((float) (1.0 / 15)));
        assertThrows(IllegalArgumentException.class, () -> Calibration.binOf(1.0000001));
        assertThrows(IllegalArgumentException.class, () -> Calibration.binOf(-1e-9));
        assertThrows(IllegalArgumentException.class, () -> Calibration.binOf(Double.NaN));
    }

    @Test
    void binsDescribeTheirRanges() {
        List<Calibration.Bin> bins = new Calibration().result().bins();
        assertEquals(15, bins.size());
        assertEquals(0.0, bins.get(0).lower());
        assertEquals(1.0 / 15, bins.get(0).upper());
        assertEquals(1.0, bins.get(14).upper());
        assertEquals(0.0, new Calibration().result().ece());
    }

    @Test
    void logProbRowHelper() {
        float[] row = {(float) Math.log(0.1), (float) Math.log(0.7), (float) Math.log(0.2)};
        Calibration.Prediction p = Calibration.fromLogProbs(row, 1);
        assertEquals(0.7, p.confidence(), 1e-6);
        assertTrue(p.correct());
        assertFalse(Calibration.fromLogProbs(row, 2).correct());
        // Ties go to the first maximum; a top log-prob a rounding error above 0 is clamped to 1.
        assertTrue(Calibration.fromLogProbs(new float[] {-0.6931472f, -0.6931472f}, 0).correct());
        assertEquals(1.0, Calibration.fromLogProbs(new float[] {1e-7f, -20f}, 0).confidence());

        Calibration c = new Calibration();
        c.addLogProbs(row, 1);
        c.addLogProbs(row, 0);
        Calibration.Bin bin = c.result().bins().get(Calibration.binOf(p.confidence()));
        assertEquals(2, bin.count());
        assertEquals(0.5, bin.accuracy(), 1e-12);
    }

    @Test
    void answerOptionEce() {
        List<double[]> items =
                List.of(
                        new double[] {0.6, 0.4}, // right at 0.6 (bin 8, its upper edge)
                        new double[] {0.3, 0.7}, // wrong at 0.7 (bin 10)
                        new double[] {0.25, 0.25, 0.5}); // right at 0.5 (bin 7)
        Calibration.Result r = Calibration.optionEce(items, new int[] {0, 0, 2});
        assertEquals((0.4 + 0.7 + 0.5) / 3, r.ece(), 1e-12);
        assertEquals(1, r.bins().get(8).count());
        assertEquals(1, r.bins().get(10).count());
        assertEquals(1, r.bins().get(7).count());
        assertThrows(
                IllegalArgumentException.class, () -> Calibration.optionEce(items, new int[] {0}));
    }
}
