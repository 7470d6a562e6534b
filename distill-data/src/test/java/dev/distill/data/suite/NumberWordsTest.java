package dev.distill.data.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class NumberWordsTest {
    @Test
    void writesNumbersTheAmericanWay() {
        assertEquals("zero", NumberWords.of(0));
        assertEquals("seven", NumberWords.of(7));
        assertEquals("thirteen", NumberWords.of(13));
        assertEquals("forty", NumberWords.of(40));
        assertEquals("forty-seven", NumberWords.of(47));
        assertEquals("one hundred", NumberWords.of(100));
        assertEquals("three hundred five", NumberWords.of(305));
        assertEquals("one thousand", NumberWords.of(1000));
        assertEquals("one thousand one", NumberWords.of(1001));
        assertEquals("twenty-one thousand", NumberWords.of(21_000));
        assertEquals("ninety-nine thousand nine hundred ninety-nine", NumberWords.of(99_999));
        assertEquals(
                "nine hundred ninety-nine thousand nine hundred ninety-nine",
                NumberWords.of(999_999));
    }

    @Test
    void refusesNumbersItCannotWrite() {
        assertThrows(IllegalArgumentException.class, () -> NumberWords.of(-1));
        assertThrows(IllegalArgumentException.class, () -> NumberWords.of(1_000_000));
    }
}
