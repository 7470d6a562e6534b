package dev.distill.data.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class WordNetTest {
    @Test
    void parsesASynsetLine() {
        Synset s =
                WordNet.parseSynset(
                        "02084071 05 n 03 dog 0 domestic_dog 0 Canis_familiaris 0 002 @ 02083346 n"
                                + " 0000 ~ 01322604 n 0000 | a member of the genus Canis; occurs in"
                                + " many breeds; \"the dog barked all night\"  ");
        assertEquals("02084071n", s.id());
        assertEquals('n', s.pos());
        assertEquals(5, s.lexFile());
        assertEquals(
                List.of("dog", "domestic_dog", "Canis_familiaris"),
                s.words().stream().map(Synset.Word::lemma).toList());
        assertEquals("@", s.pointers().get(0).symbol());
        assertEquals("02083346n", s.pointers().get(0).target());
        assertEquals("a member of the genus Canis", s.definition());
        assertEquals(List.of("the dog barked all night"), s.examples());
    }

    @Test
    void readsSatellitesAndLexicalPointers() {
        Synset s =
                WordNet.parseSynset(
                        "01382086 00 s 02 big(a) 0 large 0 001 ! 01384730 a 0101 | above average in"
                                + " size  ");
        assertEquals('a', s.pos());
        assertTrue(s.satellite());
        assertEquals(
                "big", s.words().get(0).lemma(), "the syntactic marker is not part of the lemma");
        assertEquals(1, s.pointers().get(0).sourceWord());
        assertEquals(1, s.pointers().get(0).targetWord());
    }

    @Test
    void readsTheFixtureWithSenseOrderAndTagCounts() throws IOException {
        WordNet wn = WordNet.read(Fixture.wordNet());
        List<String> dog = wn.senses("dog");
        assertEquals("02084071n", dog.get(0), "WordNet lists the most frequent sense first");
        Synset first = wn.synset(dog.get(0));
        assertTrue(wn.tagCount(first, first.words().get(0)) > 0);
        for (Synset s : wn.synsets().values()) {
            for (Synset.Pointer p : s.pointers()) {
                assertTrue(
                        wn.synsets().containsKey(p.target()),
                        "pointers to synsets outside the fixture are dropped");
            }
        }
    }
}
