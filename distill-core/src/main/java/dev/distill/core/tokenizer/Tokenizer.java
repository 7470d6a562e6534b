package dev.distill.core.tokenizer;

import java.util.OptionalInt;

/** Text to token ids and back. */
public interface Tokenizer {
    int[] encode(String text);

    String decode(int[] ids);

    /** Number of ids the tokenizer can produce (the model's vocab_size must be at least this). */
    int vocabSize();

    /** The end-of-text id, if the tokenizer has one. */
    OptionalInt eosId();

    String name();
}
