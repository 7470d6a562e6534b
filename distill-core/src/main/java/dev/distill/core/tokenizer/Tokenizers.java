package dev.distill.core.tokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Picks the tokenizer of a checkpoint directory. */
public final class Tokenizers {
    public static final String FILE = "tokenizer.json";

    private Tokenizers() {}

    /**
     * The directory's own tokenizer.json if it has one; otherwise GPT-2's when the model has
     * GPT-2's vocabulary size; otherwise an error, since guessing would silently produce garbage
     * text.
     */
    public static Tokenizer forCheckpoint(Path dir, int modelVocabSize) throws IOException {
        Path file = dir.resolve(FILE);
        Tokenizer tok;
        if (Files.isRegularFile(file)) {
            tok = HfTokenizer.load(file);
        } else if (modelVocabSize == Gpt2Tokenizer.VOCAB_SIZE) {
            tok = new Gpt2Tokenizer();
        } else {
            throw new IOException(
                    "checkpoint "
                            + dir
                            + " has no "
                            + FILE
                            + " and its vocab_size "
                            + modelVocabSize
                            + " is not GPT-2's "
                            + Gpt2Tokenizer.VOCAB_SIZE
                            + "; add a tokenizer.json or pass token ids");
        }
        if (tok.vocabSize() > modelVocabSize) {
            throw new IOException(
                    "tokenizer "
                            + tok.name()
                            + " produces "
                            + tok.vocabSize()
                            + " ids but the model at "
                            + dir
                            + " has only "
                            + modelVocabSize);
        }
        return tok;
    }
}
