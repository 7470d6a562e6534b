package dev.distill.core.metrics;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** Diversity, length and exact-match statistics over generated texts. */
public final class TextStats {
    private TextStats() {}

    private static final Pattern NON_ALPHANUMERIC = Pattern.compile("[^a-z0-9]+");

    /**
     * Distinct 4-grams over all 4-grams, pooled across generations (a 4-gram never spans two
     * generations); 0 when no generation has four tokens.
     */
    public static double distinct4(List<String> generations) {
        Set<List<String>> distinct = new HashSet<>();
        long total = 0;
        for (String g : generations) {
            List<String> t = whitespaceTokens(g);
            for (int i = 0; i + 4 <= t.size(); i++) {
                distinct.add(List.copyOf(t.subList(i, i + 4)));
                total++;
            }
        }
        return total == 0 ? 0.0 : (double) distinct.size() / total;
    }

    /** Mean number of whitespace tokens per generation; 0 for no generations. */
    public static double meanLength(List<String> generations) {
        if (generations.isEmpty()) {
            return 0.0;
        }
        long sum = 0;
        for (String g : generations) {
            sum += whitespaceTokens(g).size();
        }
        return (double) sum / generations.size();
    }

    /** True if the normalised prediction equals any normalised reference. */
    public static boolean exactMatch(String prediction, List<String> references) {
        String p = normalize(prediction);
        for (String r : references) {
            if (p.equals(normalize(r))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Rouge-style normalisation without stemming: lowercase, non-[a-z0-9] to spaces, spaces
     * collapsed.
     */
    public static String normalize(String text) {
        return NON_ALPHANUMERIC.matcher(text.toLowerCase(Locale.ROOT)).replaceAll(" ").strip();
    }

    /**
     * Splits on Unicode whitespace as Python's str.split() does (NEL and no-break spaces included).
     */
    static List<String> whitespaceTokens(String text) {
        List<String> out = new ArrayList<>();
        int start = -1;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean space = Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '\u0085';
            if (space && start >= 0) {
                out.add(text.substring(start, i));
                start = -1;
            } else if (!space && start < 0) {
                start = i;
            }
        }
        if (start >= 0) {
            out.add(text.substring(start));
        }
        return out;
    }
}
