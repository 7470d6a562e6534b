package dev.distill.data.suite;

import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * WordNet senses the suite leaves out: those WordNet itself marks as slurs, disparagement,
 * obscenity or vulgarism (a usage-domain pointer to those synsets), or whose definition says so. A
 * model trained on the bundled data should not learn them as answers; a word whose every sense is
 * such (a slur) leaves the lexicon altogether, while "boy" or "queen" keep their other senses.
 */
final class OffensiveSenses {
    private static final Set<String> USAGE_DOMAINS =
            Set.of("disparagement", "ethnic_slur", "obscenity", "vulgarism", "profanity");
    private static final Pattern DEFINITION =
            Pattern.compile(
                    "\\b(offensive|slur|obscene|vulgar|derogatory|disparaging|contemptuous|insulting)\\b");

    private OffensiveSenses() {}

    /** {@code synsets} looks a pointer's target up by id. */
    static boolean test(Function<String, Synset> synsets, Synset s) {
        if (DEFINITION.matcher(s.definition().toLowerCase()).find()) {
            return true;
        }
        for (Synset.Pointer p : s.pointers()) {
            if (p.symbol().equals(";u")) {
                for (Synset.Word w : synsets.apply(p.target()).words()) {
                    if (USAGE_DOMAINS.contains(w.lemma().toLowerCase())) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
