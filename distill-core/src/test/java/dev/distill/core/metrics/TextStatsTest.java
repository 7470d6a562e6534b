package dev.distill.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TextStatsTest {

    @Test
    void distinct4PoolsGenerations() {
        // (a b c d), (b c d e) and again (a b c d): 2 distinct of 3.
        assertEquals(2.0 / 3, TextStats.distinct4(List.of("a b c d e", "a b c d")), 1e-15);
        assertEquals(1.0 / 3, TextStats.distinct4(List.of("a a a a a a")), 1e-15);
        assertEquals(1.0, TextStats.distinct4(List.of("one two three four five")), 1e-15);
    }

    @Test
    void distinct4NeverSpansGenerationsAndIsZeroWithoutFourGrams() {
        assertEquals(0.0, TextStats.distinct4(List.of("a b", "c d")));
        assertEquals(0.0, TextStats.distinct4(List.of()));
        assertEquals(0.0, TextStats.distinct4(List.of("", "   ")));
    }

    @Test
    void whitespaceTokensLikePythonSplit() {
        assertEquals(
                List.of("a", "b", "c", "d"), TextStats.whitespaceTokens("  a\tb\u00a0c \n d\r\n"));
        assertEquals(List.of("x,", "y"), TextStats.whitespaceTokens("x, y"));
        assertEquals(List.of(), TextStats.whitespaceTokens(""));
    }

    @Test
    void meanLength() {
        assertEquals(5.0 / 3, TextStats.meanLength(List.of("a b c", "", "  d  e ")), 1e-15);
        assertEquals(0.0, TextStats.meanLength(List.of()));
    }

    @Test
    void exactMatchAfterNormalisation() {
        assertEquals("the cat sat", TextStats.normalize("  The Cat,  sat!"));
        assertTrue(TextStats.exactMatch("The Cat, sat!", List.of("a dog", "the cat sat")));
        assertTrue(
                TextStats.exactMatch("Café", List.of("caf"))); // non-ASCII letters are separators
        assertTrue(TextStats.exactMatch("!!!", List.of("")));
        assertFalse(TextStats.exactMatch("the cats sat", List.of("the cat sat"))); // no stemming
        assertFalse(TextStats.exactMatch("anything", List.of()));
    }
}
