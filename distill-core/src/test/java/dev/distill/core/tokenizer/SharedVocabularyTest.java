package dev.distill.core.tokenizer;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distill.core.TestModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SharedVocabularyTest {
    @TempDir Path tmp;

    @Test
    void acceptsDifferentFamiliesThatShareATokenizer() throws Exception {
        Path qwen3 = TestModels.family("qwen3-qknorm-headdim");
        Path other = Files.createDirectories(tmp.resolve("llama-student"));
        Files.copy(qwen3.resolve("tokenizer.json"), other.resolve("tokenizer.json"));
        assertDoesNotThrow(() -> SharedVocabulary.require(qwen3, 104, other, 104));
    }

    @Test
    void refusesTokenizersWithOtherIdsNamingTheFirstDifferences() throws Exception {
        IOException e =
                assertThrows(
                        IOException.class,
                        () ->
                                SharedVocabulary.require(
                                        TestModels.family("qwen3-qknorm-headdim"),
                                        104,
                                        TestModels.family("mistral-untied"),
                                        120));
        assertTrue(
                e.getMessage().contains("do not share a tokenizer")
                        && e.getMessage().contains("id 1: '<|endoftext|>' vs '<s>'"),
                e.getMessage());
    }

    @Test
    void refusesDifferentLogitWidthsWithoutTokenizerFiles() {
        IOException e =
                assertThrows(
                        IOException.class,
                        () ->
                                SharedVocabulary.require(
                                        tmp.resolve("a"), 100, tmp.resolve("b"), 96));
        assertTrue(e.getMessage().contains("scores 100 token ids but the student"), e.getMessage());
    }
}
