package dev.distill.data.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LexiconTest {
    static Lexicon lexicon;

    @BeforeAll
    static void read() throws IOException {
        lexicon = Lexicon.select(WordNet.read(Fixture.wordNet()), 400);
    }

    @Test
    void choosesLowerCaseWordsWithVowelsMostFrequentFirst() {
        assertTrue(lexicon.words().size() <= 400);
        for (String w : lexicon.words()) {
            assertTrue(w.matches("[a-z]{2,12}") && w.matches(".*[aeiouy].*"), w);
        }
        assertTrue(
                lexicon.words().indexOf("good") < lexicon.words().indexOf("oak"),
                "good is more frequent than oak");
    }

    @Test
    void relationsNameOnlyLexiconWords() {
        assertTrue(lexicon.synonyms("big").contains("large"), lexicon.synonyms("big").toString());
        assertTrue(lexicon.antonyms("hot").contains("cold"), lexicon.antonyms("hot").toString());
        assertTrue(
                lexicon.hypernyms("friend").contains("person"),
                lexicon.hypernyms("friend").toString());
        assertTrue(
                lexicon.hyponyms("person").contains("friend"),
                lexicon.hyponyms("person").toString());
        for (String w : lexicon.words()) {
            lexicon.synonyms(w).forEach(s -> assertTrue(lexicon.contains(s), s));
            assertFalse(lexicon.synonyms(w).contains(w), "a word is not its own synonym: " + w);
        }
    }

    @Test
    void kindOfQuestionsAreAskedOnlyAboutWordsMostlyUsedAsNouns() {
        assertEquals('a', lexicon.primaryPos("hot"));
        assertTrue(lexicon.hyponyms("hot").isEmpty());
        assertEquals('n', lexicon.primaryPos("person"));
    }
}
