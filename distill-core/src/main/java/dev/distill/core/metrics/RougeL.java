package dev.distill.core.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Rouge-L F-measure as Google's {@code rouge_score} computes it with {@code RougeScorer(['rougeL'],
 * use_stemmer=True)}, the scorer MiniLLM's evaluation reports; numbers must be comparable with the
 * paper's, so tokenisation and arithmetic follow that package exactly.
 */
public final class RougeL {
    private RougeL() {}

    /** Precision is against the prediction's tokens, recall against the reference's. */
    public record Score(double precision, double recall, double fmeasure) {
        static final Score ZERO = new Score(0, 0, 0);
    }

    private static final Pattern NON_ALPHANUMERIC = Pattern.compile("[^a-z0-9]+");
    private static final Pattern SPACES = Pattern.compile("\\s+");

    /**
     * rouge_score's tokenizer: Unicode lowercasing (so 'İ' becomes "i" plus a combining dot, and
     * the Kelvin sign becomes 'k'), everything outside ASCII [a-z0-9] becomes a separator (accented
     * and non-Latin letters included), and only tokens longer than 3 characters are stemmed.
     */
    public static List<String> tokens(String text) {
        String cleaned = NON_ALPHANUMERIC.matcher(text.toLowerCase(Locale.ROOT)).replaceAll(" ");
        List<String> out = new ArrayList<>();
        for (String token : SPACES.split(cleaned)) {
            if (token.length() > 3) {
                token = PorterStemmer.stem(token);
            }
            if (!token.isEmpty()) {
                out.add(token);
            }
        }
        return out;
    }

    public static Score score(String prediction, String reference) {
        return score(tokens(prediction), tokens(reference));
    }

    /** F-measure against the best reference, the first one winning ties; 0 without references. */
    public static double maxF(String prediction, List<String> references) {
        List<String> pred = tokens(prediction);
        double best = 0;
        for (String reference : references) {
            best = Math.max(best, score(pred, tokens(reference)).fmeasure());
        }
        return best;
    }

    static Score score(List<String> pred, List<String> ref) {
        if (pred.isEmpty() || ref.isEmpty()) {
            return Score.ZERO;
        }
        int lcs = lcsLength(pred, ref);
        double precision = (double) lcs / pred.size();
        double recall = (double) lcs / ref.size();
        // Same operation order as rouge_score's scoring.fmeasure, so results agree to the last bit.
        double f = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0.0;
        return new Score(precision, recall, f);
    }

    static int lcsLength(List<String> a, List<String> b) {
        int[] prev = new int[b.size() + 1];
        int[] cur = new int[b.size() + 1];
        for (int i = 1; i <= a.size(); i++) {
            String ai = a.get(i - 1);
            for (int j = 1; j <= b.size(); j++) {
                cur[j] = ai.equals(b.get(j - 1)) ? prev[j - 1] + 1 : Math.max(prev[j], cur[j - 1]);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.size()];
    }
}
