package dev.distill.data.suite;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Multiple-choice versions of the knowledge families, for answer-option calibration: the options
 * are in the context, the item records them and the index of the correct one. Distractors are words
 * of the same part of speech that are not valid answers, so the surface form gives nothing away.
 */
final class ChoiceFamily implements TaskFamily {
    static final int OPTIONS = 4;

    private final boolean meaning;
    private final Glosses glosses;
    private final Lexicon lexicon;
    private final Map<Character, List<String>> pools = new TreeMap<>();

    private ChoiceFamily(boolean meaning, Glosses glosses, Lexicon lexicon) {
        this.meaning = meaning;
        this.glosses = glosses;
        this.lexicon = lexicon;
    }

    /** "which word means <definition>?" over the synsets of {@link MeaningFamily}. */
    static ChoiceFamily meaning(Glosses glosses, Lexicon lexicon) {
        return new ChoiceFamily(true, glosses, lexicon);
    }

    /** "which of these is a kind of dog?" over the words of the kind-of family. */
    static ChoiceFamily kind(Lexicon lexicon) {
        return new ChoiceFamily(false, null, lexicon);
    }

    @Override
    public String name() {
        return meaning ? "choice-meaning" : "choice-kind";
    }

    @Override
    public String keySpace() {
        return meaning ? "word-for-meaning" : "kind-of";
    }

    @Override
    public boolean multipleChoice() {
        return true;
    }

    @Override
    public List<String> templateWords() {
        return List.of("which", "word", "means", "of", "these", "is", "a", "kind", "or");
    }

    @Override
    public List<String> keys(int wanted, SplittableRandom rng) {
        if (meaning) {
            return glosses.askable();
        }
        return lexicon.words().stream().filter(w -> !lexicon.hyponyms(w).isEmpty()).toList();
    }

    @Override
    public Optional<Draft> draft(String key, SplittableRandom rng) {
        List<String> valid;
        String question;
        char pos = 'n';
        Set<String> excluded = new HashSet<>();
        if (meaning) {
            Synset s = glosses.synset(key);
            valid = lexicon.lemmas(s);
            question = "which word means " + s.definition() + "?";
            pos = s.pos();
            valid.forEach(v -> excluded.addAll(lexicon.synonyms(v)));
        } else {
            valid = lexicon.hyponyms(key);
            question = "which of these is a kind of " + key + "?";
            excluded.add(key);
            excluded.addAll(lexicon.hypernyms(key));
        }
        excluded.addAll(valid);
        String correct = valid.get(rng.nextInt(valid.size()));
        List<String> pool = pool(pos);
        List<String> options = new ArrayList<>(List.of(correct));
        for (int attempt = 0; options.size() < OPTIONS && attempt < 1000; attempt++) {
            String d = pool.get(rng.nextInt(pool.size()));
            if (!excluded.contains(d) && !options.contains(d)) {
                options.add(d);
            }
        }
        if (options.size() < OPTIONS) {
            return Optional.empty();
        }
        int answer = rng.nextInt(OPTIONS);
        options.set(0, options.get(answer));
        options.set(answer, correct);
        return Optional.of(Draft.choice(question, Texts.listWithOr(options), options, answer));
    }

    private List<String> pool(char pos) {
        return pools.computeIfAbsent(
                pos,
                p ->
                        lexicon.words().stream()
                                .filter(w -> lexicon.partsOfSpeech(w).contains(p))
                                .toList());
    }
}
