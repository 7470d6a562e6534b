package dev.distill.data.suite;

import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Multi-answer prompts from WordNet relations ("name a synonym of big"): every word of the lexicon
 * that the relation allows is a reference. A mode-covering student blends answers, a mode-seeking
 * one commits to one; Rouge-L's maximum over references scores either fairly.
 */
final class RelationFamily extends WordTemplateFamily {
    private final Function<String, List<String>> answers;

    private RelationFamily(
            String name, String template, Function<String, List<String>> answers, Lexicon lexicon) {
        super(name, template, lexicon);
        this.answers = answers;
    }

    static RelationFamily synonym(Lexicon lexicon) {
        return new RelationFamily("synonym", "name a synonym of %s", lexicon::synonyms, lexicon);
    }

    static RelationFamily kindOf(Lexicon lexicon) {
        return new RelationFamily("kind-of", "name a kind of %s", lexicon::hyponyms, lexicon);
    }

    static RelationFamily isA(Lexicon lexicon) {
        return new RelationFamily("is-a", "%s is a kind of what?", lexicon::hypernyms, lexicon);
    }

    static RelationFamily antonym(Lexicon lexicon) {
        return new RelationFamily("antonym", "name the opposite of %s", lexicon::antonyms, lexicon);
    }

    @Override
    public List<String> keys(int wanted, SplittableRandom rng) {
        return lexicon.words().stream().filter(w -> !answers.apply(w).isEmpty()).toList();
    }

    @Override
    public Optional<Draft> draft(String word, SplittableRandom rng) {
        List<String> refs = answers.apply(word);
        return refs.isEmpty()
                ? Optional.empty()
                : Optional.of(Draft.of(template.formatted(word), refs));
    }
}
