package dev.distill.core.data;

import dev.distill.core.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.List;

/**
 * Pre-training documents cut into windows of at most {@code length} tokens for the
 * language-modelling steps. Each document ends with end-of-text; consecutive windows overlap by one
 * token because a window's first token is only context, so every token after a document's first is
 * predicted exactly once.
 */
public final class CorpusWindows {
    private CorpusWindows() {}

    public static List<int[]> of(List<String> documents, Tokenizer tokenizer, int eos, int length) {
        List<int[]> windows = new ArrayList<>();
        for (String doc : documents) {
            int[] ids = tokenizer.encode(doc);
            int[] withEos = java.util.Arrays.copyOf(ids, ids.length + 1);
            withEos[ids.length] = eos;
            for (int from = 0; from < withEos.length - 1; from += length - 1) {
                int to = Math.min(withEos.length, from + length);
                windows.add(java.util.Arrays.copyOfRange(withEos, from, to));
            }
        }
        return windows;
    }
}
