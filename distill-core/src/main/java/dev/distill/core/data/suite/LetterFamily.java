package dev.distill.core.data.suite;

import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Tasks on the letters of a word. The prompt holds the word as one token, so the letters are
 * knowledge the model must have memorised (from the corpus and other families' items), which is
 * where a larger model wins; the outputs are several tokens long, where a small one drifts.
 */
final class LetterFamily implements TaskFamily {
    static final int MIN_LENGTH = 3;

    private final String name;
    private final String template;
    private final Function<String, String> answer;
    private final Lexicon lexicon;

    private LetterFamily(String name, String template, Function<String, String> answer, Lexicon lexicon) {
        this.name = name;
        this.template = template;
        this.answer = answer;
        this.lexicon = lexicon;
    }

    static LetterFamily spell(Lexicon lexicon) {
        return new LetterFamily("spell", "spell the word %s", Texts::letters, lexicon);
    }

    static LetterFamily reverse(Lexicon lexicon) {
        return new LetterFamily("reverse", "reverse the letters of %s",
                w -> Texts.letters(new StringBuilder(w).reverse().toString()), lexicon);
    }

    static LetterFamily countLetters(Lexicon lexicon) {
        return new LetterFamily("count-letters", "how many letters are in %s?", w -> String.valueOf(w.length()), lexicon);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<String> templateWords() {
        return Texts.words(template);
    }

    @Override
    public List<String> keys(int wanted, SplittableRandom rng) {
        return lexicon.words().stream().filter(w -> w.length() >= MIN_LENGTH).toList();
    }

    @Override
    public Optional<Draft> draft(String word, SplittableRandom rng) {
        return Optional.of(Draft.of(template.formatted(word), List.of(answer.apply(word))));
    }
}
