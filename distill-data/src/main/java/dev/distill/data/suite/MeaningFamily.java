package dev.distill.data.suite;

import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * "name a word meaning <definition>": the answers are the lexicon's words of that synset. Only
 * definitions the corpus also gives (see {@link Glosses}) are asked, so the answer is knowledge a
 * model can have learned, not a guess about an unseen word.
 */
final class MeaningFamily implements TaskFamily {
    private final Glosses glosses;
    private final Lexicon lexicon;

    MeaningFamily(Glosses glosses, Lexicon lexicon) {
        this.glosses = glosses;
        this.lexicon = lexicon;
    }

    @Override
    public String name() {
        return "word-for-meaning";
    }

    @Override
    public List<String> templateWords() {
        return List.of("name", "a", "word", "meaning");
    }

    /** Synset ids. */
    @Override
    public List<String> keys(int wanted, SplittableRandom rng) {
        return glosses.askable();
    }

    @Override
    public Optional<Draft> draft(String synsetId, SplittableRandom rng) {
        Synset s = glosses.synset(synsetId);
        return Optional.of(Draft.of("name a word meaning " + s.definition(), lexicon.lemmas(s)));
    }
}
