package dev.distill.core.metrics;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The Porter stemmer exactly as NLTK 3.8 runs it in its default {@code NLTK_EXTENSIONS} mode,
 * because that is what {@code rouge_score} (use_stemmer=True) applies and Rouge-L scores must match
 * it token for token. Where NLTK departs from the 1980 paper (irregular-forms pool, short words
 * left alone, the "ies"/"ied" length-4 rules, the y-to-i condition, bli/alli/fulli/logi in step 2,
 * the two-letter *o case) the departure is kept, and so is NLTK's first-matching-suffix-wins rule:
 * once a suffix matches, a failed condition ends the step instead of trying the next rule.
 */
public final class PorterStemmer {
    private PorterStemmer() {}

    /** NLTK's irregular forms (form -> paradigm): these bypass the algorithm entirely. */
    private static final Map<String, String> POOL =
            Map.ofEntries(
                    Map.entry("sky", "sky"),
                    Map.entry("skies", "sky"),
                    Map.entry("dying", "die"),
                    Map.entry("lying", "lie"),
                    Map.entry("tying", "tie"),
                    Map.entry("news", "news"),
                    Map.entry("innings", "inning"),
                    Map.entry("inning", "inning"),
                    Map.entry("outings", "outing"),
                    Map.entry("outing", "outing"),
                    Map.entry("cannings", "canning"),
                    Map.entry("canning", "canning"),
                    Map.entry("howe", "howe"),
                    Map.entry("proceed", "proceed"),
                    Map.entry("exceed", "exceed"),
                    Map.entry("succeed", "succeed"));

    /** A suffix rule; a null condition means unconditional. */
    private record Rule(String suffix, String replacement, Predicate<String> condition) {}

    private static final Predicate<String> M_GT_0 = s -> measure(s) > 0;
    private static final Predicate<String> M_GT_1 = s -> measure(s) > 1;

    private static final List<Rule> STEP1A =
            List.of(
                    new Rule("sses", "ss", null), new Rule("ies", "i", null),
                    new Rule("ss", "ss", null), new Rule("s", "", null));

    private static final List<Rule> STEP2 =
            List.of(
                    new Rule("ational", "ate", M_GT_0),
                    new Rule("tional", "tion", M_GT_0),
                    new Rule("enci", "ence", M_GT_0),
                    new Rule("anci", "ance", M_GT_0),
                    new Rule("izer", "ize", M_GT_0),
                    new Rule("bli", "ble", M_GT_0),
                    new Rule("alli", "al", M_GT_0),
                    new Rule("entli", "ent", M_GT_0),
                    new Rule("eli", "e", M_GT_0),
                    new Rule("ousli", "ous", M_GT_0),
                    new Rule("ization", "ize", M_GT_0),
                    new Rule("ation", "ate", M_GT_0),
                    new Rule("ator", "ate", M_GT_0),
                    new Rule("alism", "al", M_GT_0),
                    new Rule("iveness", "ive", M_GT_0),
                    new Rule("fulness", "ful", M_GT_0),
                    new Rule("ousness", "ous", M_GT_0),
                    new Rule("aliti", "al", M_GT_0),
                    new Rule("iviti", "ive", M_GT_0),
                    new Rule("biliti", "ble", M_GT_0),
                    new Rule("fulli", "ful", M_GT_0),
                    // NLTK measures the stem with the 'l' kept, so short stems like "geo" and
                    // "theo" qualify.
                    new Rule("logi", "log", s -> measure(s + "l") > 0));

    private static final List<Rule> STEP3 =
            List.of(
                    new Rule("icate", "ic", M_GT_0),
                    new Rule("ative", "", M_GT_0),
                    new Rule("alize", "al", M_GT_0),
                    new Rule("iciti", "ic", M_GT_0),
                    new Rule("ical", "ic", M_GT_0),
                    new Rule("ful", "", M_GT_0),
                    new Rule("ness", "", M_GT_0));

    private static final List<Rule> STEP4 =
            List.of(
                    new Rule("al", "", M_GT_1),
                    new Rule("ance", "", M_GT_1),
                    new Rule("ence", "", M_GT_1),
                    new Rule("er", "", M_GT_1),
                    new Rule("ic", "", M_GT_1),
                    new Rule("able", "", M_GT_1),
                    new Rule("ible", "", M_GT_1),
                    new Rule("ant", "", M_GT_1),
                    new Rule("ement", "", M_GT_1),
                    new Rule("ment", "", M_GT_1),
                    new Rule("ent", "", M_GT_1),
                    new Rule(
                            "ion", "", s -> measure(s) > 1 && (s.endsWith("s") || s.endsWith("t"))),
                    new Rule("ou", "", M_GT_1),
                    new Rule("ism", "", M_GT_1),
                    new Rule("ate", "", M_GT_1),
                    new Rule("iti", "", M_GT_1),
                    new Rule("ous", "", M_GT_1),
                    new Rule("ive", "", M_GT_1),
                    new Rule("ize", "", M_GT_1));

    // Step 5b's condition is on the word minus one 'l', i.e. the stem plus the 'l' that stays.
    private static final List<Rule> STEP5B =
            List.of(new Rule("ll", "l", s -> measure(s + "l") > 1));

    /** Stems one word; like NLTK's {@code stem(word)} it lowercases first. */
    public static String stem(String word) {
        String w = word.toLowerCase(Locale.ROOT);
        if (POOL.containsKey(word)) {
            return POOL.get(w);
        }
        if (word.length() <= 2) {
            return w;
        }
        w = step1a(w);
        w = step1b(w);
        w =
                applyRules(
                        w,
                        List.of(
                                new Rule(
                                        "y",
                                        "i",
                                        s -> s.length() > 1 && isConsonant(s, s.length() - 1))));
        w = step2(w);
        w = applyRules(w, STEP3);
        w = applyRules(w, STEP4);
        w = step5a(w);
        return applyRules(w, STEP5B);
    }

    private static String applyRules(String word, List<Rule> rules) {
        for (Rule r : rules) {
            if (word.endsWith(r.suffix())) {
                String stem = word.substring(0, word.length() - r.suffix().length());
                return r.condition() == null || r.condition().test(stem)
                        ? stem + r.replacement()
                        : word;
            }
        }
        return word;
    }

    private static String step1a(String w) {
        // "dies" -> "die" but "flies" -> "fli".
        if (w.endsWith("ies") && w.length() == 4) {
            return w.substring(0, 1) + "ie";
        }
        return applyRules(w, STEP1A);
    }

    private static String step1b(String w) {
        // "died" -> "die" but "spied" -> "spi"; no further step-1b processing either way.
        if (w.endsWith("ied")) {
            return w.substring(0, w.length() - 3) + (w.length() == 4 ? "ie" : "i");
        }
        if (w.endsWith("eed")) {
            String stem = w.substring(0, w.length() - 3);
            return measure(stem) > 0 ? stem + "ee" : w;
        }
        String stem = null;
        if (w.endsWith("ed") && containsVowel(w.substring(0, w.length() - 2))) {
            stem = w.substring(0, w.length() - 2);
        } else if (w.endsWith("ing") && containsVowel(w.substring(0, w.length() - 3))) {
            stem = w.substring(0, w.length() - 3);
        }
        if (stem == null) {
            return w;
        }
        if (stem.endsWith("at") || stem.endsWith("bl") || stem.endsWith("iz")) {
            return stem + "e";
        }
        if (endsDoubleConsonant(stem)) {
            char last = stem.charAt(stem.length() - 1);
            return last == 'l' || last == 's' || last == 'z'
                    ? stem
                    : stem.substring(0, stem.length() - 1);
        }
        return measure(stem) == 1 && endsCvc(stem) ? stem + "e" : stem;
    }

    private static String step2(String w) {
        // NLTK tries ALLI -> AL first and, if it fires, runs step 2 again on the result.
        if (w.endsWith("alli") && measure(w.substring(0, w.length() - 4)) > 0) {
            return step2(w.substring(0, w.length() - 2));
        }
        return applyRules(w, STEP2);
    }

    private static String step5a(String w) {
        // Unlike the other steps both rules on the same suffix are tried (rate stays, cease ->
        // ceas).
        if (w.endsWith("e")) {
            String stem = w.substring(0, w.length() - 1);
            int m = measure(stem);
            if (m > 1 || (m == 1 && !endsCvc(stem))) {
                return stem;
            }
        }
        return w;
    }

    private static boolean isConsonant(String w, int i) {
        char c = w.charAt(i);
        if (c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u') {
            return false;
        }
        if (c == 'y') {
            return i == 0 || !isConsonant(w, i - 1);
        }
        return true;
    }

    /** Porter's m: the number of vowel-consonant transitions in [C](VC){m}[V]. */
    static int measure(String stem) {
        int m = 0;
        boolean prevVowel = false;
        for (int i = 0; i < stem.length(); i++) {
            boolean consonant = isConsonant(stem, i);
            if (consonant && prevVowel) {
                m++;
            }
            prevVowel = !consonant;
        }
        return m;
    }

    private static boolean containsVowel(String stem) {
        for (int i = 0; i < stem.length(); i++) {
            if (!isConsonant(stem, i)) {
                return true;
            }
        }
        return false;
    }

    private static boolean endsDoubleConsonant(String w) {
        int n = w.length();
        return n >= 2 && w.charAt(n - 1) == w.charAt(n - 2) && isConsonant(w, n - 1);
    }

    /**
     * Condition *o, plus NLTK's two-letter vowel-consonant case (which does not exclude w, x, y).
     */
    private static boolean endsCvc(String w) {
        int n = w.length();
        if (n >= 3 && isConsonant(w, n - 3) && !isConsonant(w, n - 2) && isConsonant(w, n - 1)) {
            char c = w.charAt(n - 1);
            if (c != 'w' && c != 'x' && c != 'y') {
                return true;
            }
        }
        return n == 2 && !isConsonant(w, 0) && isConsonant(w, 1);
    }
}
