package dev.distill.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.distill.core.TestModels;
import dev.distill.core.generation.Generator;
import dev.distill.core.generation.SamplingConfig;
import dev.distill.core.generation.Scorer;
import dev.distill.core.model.CausalLm;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ExposureBiasTest {
    static NDManager root;
    static CausalLm teacher;
    static CausalLm student;
    static final List<int[]> PROMPTS =
            List.of(new int[] {1, 2, 3}, new int[] {4, 5}, new int[] {6, 7, 8, 9});

    @BeforeAll
    static void models() {
        root = NDManager.newBaseManager();
        teacher = CausalLm.create(TestModels.tiny(), root, 1);
        student = CausalLm.create(TestModels.tiny(), root, 2);
    }

    @AfterAll
    static void close() {
        root.close();
    }

    @Test
    void oneStepHasNoExposureBiasBecauseBothSidesConditionOnThePromptOnly() {
        ExposureBias.Result r = ExposureBias.measure(student, teacher, PROMPTS, 1, -1, 7);
        assertEquals(r.errorPerStep(), r.regretPerStep(), 1e-12);
        assertEquals(0.0, r.exAccErrPercent(), 1e-9);
        assertTrue(r.errorPerStep() > 0);
    }

    @Test
    void teacherForcedErrorIsForwardKlOnTeacherSamples() {
        int steps = 6;
        ExposureBias.Result r = ExposureBias.measure(student, teacher, PROMPTS, steps, -1, 11);
        List<Generator.Generation> gens =
                Generator.generate(teacher, PROMPTS, new SamplingConfig(1, 0, 1, 0, steps, -1, 11));
        List<int[]> seqs = new ArrayList<>();
        for (Generator.Generation g : gens) {
            int[] s = new int[g.prompt().length + g.tokens().length];
            System.arraycopy(g.prompt(), 0, s, 0, g.prompt().length);
            System.arraycopy(g.tokens(), 0, s, g.prompt().length, g.tokens().length);
            seqs.add(s);
        }
        List<Scorer.Scores> p = Scorer.score(teacher, seqs, 0, true);
        List<Scorer.Scores> q = Scorer.score(student, seqs, 0, true);
        double sum = 0;
        int n = 0;
        for (int i = 0; i < seqs.size(); i++) {
            for (int t = PROMPTS.get(i).length - 1; t < seqs.get(i).length - 1; t++) {
                for (int v = 0; v < p.get(i).full()[t].length; v++) {
                    float lp = p.get(i).full()[t][v];
                    sum += Math.exp(lp) * (lp - q.get(i).full()[t][v]);
                }
                n++;
            }
        }
        assertEquals(PROMPTS.size() * steps, n);
        assertEquals(sum / n, r.errorPerStep(), 1e-9);
        assertNotEquals(
                r.errorPerStep(),
                r.regretPerStep(),
                "student prefixes differ from the teacher's after step 1");
        assertEquals(
                (r.regretPerStep() - r.errorPerStep()) / r.errorPerStep() * 100,
                r.exAccErrPercent(),
                1e-9);
    }

    @Test
    void rejectsAStudentIdenticalToTheTeacher() {
        IllegalStateException e =
                assertThrows(
                        IllegalStateException.class,
                        () -> ExposureBias.measure(teacher, teacher, PROMPTS, 4, -1, 3));
        assertTrue(e.getMessage().contains("undefined"), e.getMessage());
    }
}
