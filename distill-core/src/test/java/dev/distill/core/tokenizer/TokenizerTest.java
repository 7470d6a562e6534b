package dev.distill.core.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizerTest {
    @TempDir Path tmp;

    @Test
    void gpt2EncodesKnownIds() {
        Tokenizer t = new Gpt2Tokenizer();
        // Ids from GPT-2's vocab.json: "Hello" 15496, " world" 995, "!" 0.
        assertArrayEquals(new int[] {15496, 995, 0}, t.encode("Hello world!"));
        assertEquals(50257, t.vocabSize());
        assertEquals(50256, t.eosId().orElseThrow());
        assertEquals("<|endoftext|>", t.decode(new int[] {50256}));
    }

    @Test
    void gpt2RoundTripsArbitraryUnicode() {
        Tokenizer t = new Gpt2Tokenizer();
        for (String s :
                new String[] {
                    "",
                    "  leading spaces",
                    "naïve café — ünïcödé 日本語 🙂",
                    "tabs\tand\nnewlines",
                    "<|endoftext|> stays text"
                }) {
            assertEquals(s, t.decode(t.encode(s)));
        }
        assertTrue(t.encode("<|endoftext|>").length > 1, "user text must not become the EOS id");
    }

    @Test
    void loadsAHuggingFaceTokenizerJson() throws IOException {
        Path file = tmp.resolve("tokenizer.json");
        Files.writeString(
                file,
                """
                {"version": "1.0", "truncation": null, "padding": null,
                 "added_tokens": [{"id": 5, "content": "</s>", "single_word": false, "lstrip": false, "rstrip": false,
                                   "normalized": false, "special": true}],
                 "normalizer": {"type": "Lowercase"},
                 "pre_tokenizer": {"type": "Whitespace"},
                 "post_processor": null,
                 "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": true},
                 "model": {"type": "WordLevel", "vocab": {"[UNK]": 0, "the": 1, "cat": 2, "sat": 3, "mat": 4},
                           "unk_token": "[UNK]"}}
                """);
        try (HfTokenizer t = HfTokenizer.load(file)) {
            assertArrayEquals(new int[] {1, 2, 3, 0}, t.encode("The cat sat down"));
            assertEquals("the cat sat", t.decode(new int[] {1, 2, 3}));
            assertEquals(6, t.vocabSize());
            assertEquals(5, t.eosId().orElseThrow());
            // No silent truncation at DJL's default model length of 512.
            assertEquals(3000, t.encode("the cat sat ".repeat(1000)).length);
        }
    }

    @Test
    void refusesToGuessATokenizerForANonGpt2Vocabulary() {
        var e = assertThrows(IOException.class, () -> Tokenizers.forCheckpoint(tmp, 1000));
        assertTrue(e.getMessage().contains("no tokenizer.json"), e.getMessage());
    }
}
