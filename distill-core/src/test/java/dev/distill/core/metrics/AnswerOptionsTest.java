package dev.distill.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDManager;
import dev.distill.core.TestModels;
import dev.distill.core.data.HeldOutItem;
import dev.distill.core.data.PromptTemplate;
import dev.distill.core.generation.Scorer;
import dev.distill.core.model.CausalLm;
import dev.distill.core.tokenizer.Tokenizer;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class AnswerOptionsTest {
    /** Words w0..w30 are ids 0..30; 31 is end-of-text (TestModels.tiny). */
    static final Tokenizer WORDS =
            new Tokenizer() {
                @Override
                public int[] encode(String text) {
                    return Arrays.stream(text.strip().split("\\s+"))
                            .mapToInt(w -> Integer.parseInt(w.substring(1)))
                            .toArray();
                }

                @Override
                public String decode(int[] ids) {
                    return String.join(" ", Arrays.stream(ids).mapToObj(i -> "w" + i).toList());
                }

                @Override
                public int vocabSize() {
                    return 32;
                }

                @Override
                public OptionalInt eosId() {
                    return OptionalInt.of(31);
                }

                @Override
                public String name() {
                    return "test-words";
                }
            };

    static NDManager root;
    static CausalLm model;

    @BeforeAll
    static void model() {
        root = NDManager.newBaseManager();
        model = CausalLm.create(TestModels.tiny(), root, 5);
    }

    @AfterAll
    static void close() {
        root.close();
    }

    static HeldOutItem item(List<String> options, int answer) {
        return new HeldOutItem(
                "q", "w1 w2 w3", null, List.of(options.get(answer)), options, answer);
    }

    @Test
    void optionProbabilitiesAreTheRenormalisedLikelihoodsOfOptionAndEndOfText() {
        HeldOutItem it = item(List.of("w4", "w5 w6", "w4 w7"), 1);
        double[] p = AnswerOptions.probabilities(model, WORDS, PromptTemplate.DEFAULT, it, 31);
        int[] prompt = WORDS.encode("w1 w2 w3\n");
        double[] logLik = new double[3];
        int[][] seqs = {{1, 2, 3, 4, 31}, {1, 2, 3, 5, 6, 31}, {1, 2, 3, 4, 7, 31}};
        for (int o = 0; o < 3; o++) {
            float[] next = Scorer.score(model, List.of(seqs[o]), 0, false).get(0).nextLogProbs();
            for (int t = prompt.length - 1; t < next.length; t++) {
                logLik[o] += next[t];
            }
        }
        double z = Arrays.stream(logLik).map(Math::exp).sum();
        for (int o = 0; o < 3; o++) {
            assertEquals(Math.exp(logLik[o]) / z, p[o], 1e-9);
        }
        assertEquals(1.0, Arrays.stream(p).sum(), 1e-12);
    }

    @Test
    void identicalOptionsGetEqualBelief() {
        double[] p =
                AnswerOptions.probabilities(
                        model,
                        WORDS,
                        PromptTemplate.DEFAULT,
                        item(List.of("w9 w8", "w9 w8"), 0),
                        31);
        assertEquals(0.5, p[0], 1e-12);
        assertEquals(0.5, p[1], 1e-12);
    }

    @Test
    void calibrationCoversOnlyMultipleChoiceItems() {
        HeldOutItem open = new HeldOutItem("open", "w1", null, List.of("w2"));
        assertNull(
                AnswerOptions.calibration(model, WORDS, PromptTemplate.DEFAULT, List.of(open), 31));
        Calibration.Result r =
                AnswerOptions.calibration(
                        model,
                        WORDS,
                        PromptTemplate.DEFAULT,
                        List.of(
                                open,
                                item(List.of("w4", "w5"), 0),
                                item(List.of("w6", "w7", "w8"), 2)),
                        31);
        assertNotNull(r);
        assertEquals(2, r.count());
        assertThrows(
                IllegalArgumentException.class,
                () -> AnswerOptions.probabilities(model, WORDS, PromptTemplate.DEFAULT, open, 31));
    }
}
