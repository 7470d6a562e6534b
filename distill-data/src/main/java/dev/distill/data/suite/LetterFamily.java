package dev.distill.data.suite;

import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Tasks on the letters of a word. The prompt holds the word as one token, so the letters are
 * knowledge the model must have memorised (from the corpus and other families' items), which is
 * where a larger model wins; the outputs are several tokens long, where a small one drifts.
 */
final class LetterFamily extends WordTemplateFamily {
    static final int MIN_LENGTH = 3;

    private final Function<String, String> answer;

    private LetterFamily(
            String name, String template, Function<String, String> answer, Lexicon lexicon) {
        super(name, template, lexicon);
        this.answer = answer;
    }

    static LetterFamily spell(Lexicon lexicon) {
        return new LetterFamily("spell", "spell the word %s", Texts::letters, lexicon);
    }

    static LetterFamily reverse(Lexicon lexicon) {
        return new LetterFamily(
                "reverse",
                "reverse the letters of %s",
                w -> Texts.letters(new StringBuilder(w).reverse().toString()),
                lexicon);
    }

    static LetterFamily countLetters(Lexicon lexicon) {
        return new LetterFamily(
                "count-letters",
                "how many letters are in %s?",
                w -> String.valueOf(w.length()),
                lexicon);
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
