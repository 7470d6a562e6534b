package dev.distill.data.suite;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The WordNet definitions the suite uses. The corpus gives each lexicon word the definitions of its
 * first common senses; the meaning families ask only about those, and only when every word of the
 * definition is a whole token of the vocabulary (a definition spelled out letter by letter would
 * blow the prompt budget and teach nothing).
 */
final class Glosses {
    static final int MAX_SENSES = 4;
    static final int MAX_WORDS = 14;

    /** "have" as the definition of "bear" asks for a synonym, not a word for a meaning. */
    static final int MIN_WORDS = 3;

    private final Map<String, Synset> askable = new LinkedHashMap<>();

    Glosses(Lexicon lexicon, Predicate<String> inVocabulary) {
        Set<String> seenDefinitions = new HashSet<>();
        for (String w : lexicon.words()) {
            for (Synset s : defined(lexicon, w)) {
                // Two synsets with one definition would be one question with two answer sets.
                if (!askable.containsKey(s.id())
                        && Texts.words(s.definition()).stream().allMatch(inVocabulary)
                        && seenDefinitions.add(s.definition())) {
                    askable.put(s.id(), s);
                }
            }
        }
    }

    /**
     * The word's common senses with a usable definition, at most {@link #MAX_SENSES}, in WordNet's
     * order.
     */
    static List<Synset> defined(Lexicon lexicon, String word) {
        List<Synset> out = new ArrayList<>();
        for (Synset s : lexicon.senses(word)) {
            if (out.size() < MAX_SENSES
                    && Texts.clean(s.definition())
                    && Texts.words(s.definition()).size() >= MIN_WORDS
                    && Texts.words(s.definition()).size() <= MAX_WORDS) {
                out.add(s);
            }
        }
        return out;
    }

    /** Synset ids, in lexicon order of their first word. */
    List<String> askable() {
        return List.copyOf(askable.keySet());
    }

    Synset synset(String id) {
        return askable.get(id);
    }
}
