package dev.distill.core.generation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.distill.core.TestModels;
import dev.distill.core.data.Rollout;
import dev.distill.core.model.CausalLm;
import dev.distill.core.objective.SupportGap;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The support-set gap a rollout carries: measured with the behaviour student's and the teacher's
 * full distributions.
 */
class TeacherMixedSamplerTest {
    static NDManager root;
    static CausalLm teacher;
    static CausalLm student;

    @BeforeAll
    static void models() {
        root = NDManager.newBaseManager();
        teacher = CausalLm.create(TestModels.tiny(), root, 11);
        student = CausalLm.create(TestModels.tiny(), root, 12);
    }

    @AfterAll
    static void close() {
        teacher.close();
        student.close();
        root.close();
    }

    static List<Rollout> sample(int k) {
        List<TeacherMixedSampler.Prompt> prompts =
                List.of(
                        new TeacherMixedSampler.Prompt("a", new int[] {3, 5, 7}, 1),
                        new TeacherMixedSampler.Prompt("b", new int[] {2, 9}, 2));
        return TeacherMixedSampler.sample(
                teacher,
                student,
                0,
                "run",
                prompts,
                new TeacherMixedSampler.Config(0.2, 8, k, 31, "teacher"));
    }

    @Test
    void recordsTheMeanGapBetweenExactAndSupportSetReverseKl() {
        for (Rollout r : sample(2)) {
            int[] seq = new int[r.promptTokens().length + r.length()];
            System.arraycopy(r.promptTokens(), 0, seq, 0, r.promptTokens().length);
            System.arraycopy(r.responseTokens(), 0, seq, r.promptTokens().length, r.length());
            float[][] p = TestModels.logits(teacher, seq);
            float[][] q = TestModels.logits(student, seq);
            double sum = 0;
            for (int t = 0; t < r.length(); t++) {
                int at = r.promptTokens().length - 1 + t;
                sum +=
                        SupportGap.at(
                                TestModels.logSoftmax(q[at]),
                                TestModels.logSoftmax(p[at]),
                                r.supportIds()[t]);
            }
            assertTrue(
                    r.supportKlGap() > 1e-4,
                    "a top-2 support of 32 ids misses part of the KL: " + r.supportKlGap());
            assertEquals(sum / r.length(), r.supportKlGap(), 1e-4, r.rolloutId());
        }
    }

    @Test
    void theGapVanishesWhenTheSupportIsTheWholeVocabulary() {
        for (Rollout r : sample(32)) {
            assertEquals(0, r.supportKlGap(), 1e-5, r.rolloutId());
        }
    }
}
