package dev.distill.data.suite;

import java.util.List;

/** The suite's task families, in the order they are listed in the manifest. */
final class Families {
    private Families() {}

    static List<TaskFamily> all(Lexicon lexicon, Glosses glosses) {
        return List.of(
                LetterFamily.spell(lexicon),
                LetterFamily.reverse(lexicon),
                LetterFamily.countLetters(lexicon),
                WordListFamily.sort(lexicon),
                WordListFamily.count(lexicon),
                NumberFamily.numberWords(),
                NumberFamily.arithmetic(),
                RelationFamily.synonym(lexicon),
                RelationFamily.kindOf(lexicon),
                RelationFamily.isA(lexicon),
                RelationFamily.antonym(lexicon),
                new MeaningFamily(glosses, lexicon),
                ChoiceFamily.meaning(glosses, lexicon),
                ChoiceFamily.kind(lexicon));
    }
}
