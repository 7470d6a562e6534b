package dev.distill.data.suite;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The suite's word-level vocabulary, small so the LM head stays cheap: special tokens, the newline,
 * every ASCII punctuation mark, digits and letters (whole and as word-continuation pieces "##x", so
 * any lower-case word or number can still be written and nothing becomes [UNK]), the words the
 * suite needs whole (templates, number words, the lexicon), then the most frequent other words of
 * the corpus until {@code size} ids are used (fewer if the words run out).
 */
public final class SuiteVocabulary {
    public static final String UNK = "[UNK]";
    public static final String EOS = "<|endoftext|>";

    /** Ends every prompt (see {@link dev.distill.core.data.PromptTemplate}). */
    public static final String NEWLINE = "\n";

    public static final String CONTINUATION = "##";

    private SuiteVocabulary() {}

    /** Tokens in id order. */
    public static List<String> tokens(
            Collection<String> required, Map<String, Integer> fillCounts, int size) {
        List<String> base = new ArrayList<>(List.of(UNK, EOS, NEWLINE));
        for (char c = '!'; c <= '~'; c++) {
            if (!Character.isLetterOrDigit(c)) {
                base.add(String.valueOf(c));
            }
        }
        for (String chars : List.of("0123456789", "abcdefghijklmnopqrstuvwxyz")) {
            for (char c : chars.toCharArray()) {
                base.add(String.valueOf(c));
            }
        }
        for (String chars : List.of("0123456789", "abcdefghijklmnopqrstuvwxyz")) {
            for (char c : chars.toCharArray()) {
                base.add(CONTINUATION + c);
            }
        }
        TreeSet<String> words = new TreeSet<>(required);
        words.removeAll(base);
        if (base.size() + words.size() > size) {
            throw new IllegalArgumentException(
                    "a vocabulary of "
                            + size
                            + " ids cannot hold the "
                            + base.size()
                            + " base tokens and the "
                            + words.size()
                            + " required words; raise the vocabulary size");
        }
        List<Map.Entry<String, Integer>> fill =
                fillCounts.entrySet().stream()
                        .sorted(
                                Map.Entry.<String, Integer>comparingByValue()
                                        .reversed()
                                        .thenComparing(Map.Entry.comparingByKey()))
                        .toList();
        for (Map.Entry<String, Integer> e : fill) {
            if (base.size() + words.size() >= size) {
                break;
            }
            if (e.getKey().length() > 1) {
                words.add(e.getKey());
            }
        }
        base.addAll(words);
        return base;
    }
}
