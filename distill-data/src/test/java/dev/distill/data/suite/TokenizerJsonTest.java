package dev.distill.data.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.distill.core.data.PromptTemplate;
import dev.distill.core.tokenizer.HfTokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizerJsonTest {
    @TempDir Path tmp;

    HfTokenizer tokenizer(List<String> words) throws IOException {
        List<String> tokens = SuiteVocabulary.tokens(words, Map.of(), 200);
        Path file = tmp.resolve("tokenizer.json");
        new ObjectMapper().writeValue(file.toFile(), TokenizerJson.of(tokens));
        return HfTokenizer.load(file);
    }

    @Test
    void suiteTextDecodesBackToItself() throws IOException {
        try (HfTokenizer t =
                tokenizer(
                        List.of(
                                "what", "is", "plus", "forty", "seven", "sort", "these", "words",
                                "spell", "dog"))) {
            for (String s :
                    List.of(
                            "forty-seven",
                            "what is 47 plus 38?",
                            "sort these words: dog, cat.",
                            "d o g",
                            "spell the word dog",
                            "a long-handled tool; or not!")) {
                assertEquals(s, t.decode(t.encode(s)), s);
            }
        }
    }

    @Test
    void aVocabularyWordIsOneTokenAndAnyOtherWordIsSpelledWithoutUnk() throws IOException {
        try (HfTokenizer t = tokenizer(List.of("dog"))) {
            assertEquals(1, t.encode("dog").length);
            int[] ids = t.encode("zyzzyva 1234");
            assertEquals(11, ids.length, "7 letters + 4 digits");
            assertFalse(java.util.Arrays.stream(ids).anyMatch(i -> i == 0), "no [UNK]");
            assertEquals("zyzzyva 1234", t.decode(ids));
        }
    }

    @Test
    void theNewlineThatEndsAPromptIsAToken() throws IOException {
        try (HfTokenizer t = tokenizer(List.of("count", "the", "words", "dog"))) {
            int[] ids = t.encode(PromptTemplate.format("count the words", "dog dog"));
            assertEquals(7, ids.length, "count the words \\n dog dog \\n");
            assertEquals(2, ids[3]);
            assertEquals(2, ids[6]);
        }
    }

    @Test
    void lowerCasesAndStripsAccentsLikeBert() throws IOException {
        try (HfTokenizer t = tokenizer(List.of("cafe", "dog"))) {
            assertEquals("cafe dog", t.decode(t.encode("Café DOG")));
        }
    }

    @Test
    void theEndOfTextTokenIsFoundAndTheSizeIsAnUpperBound() throws IOException {
        try (HfTokenizer t = tokenizer(List.of("dog"))) {
            assertEquals(1, t.eosId().orElseThrow());
            // [UNK], end of text, newline, 32 punctuation marks, 10 digits, 26 letters, their 36
            // pieces and "dog".
            assertEquals(3 + 32 + 36 + 36 + 1, t.vocabSize());
        }
    }
}
