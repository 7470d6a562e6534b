package dev.distill.data.suite;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class OffensiveSensesTest {
    static final Synset DISPARAGEMENT =
            WordNet.parseSynset(
                    "06717170 10 n 03 disparagement 0 depreciation 0 derogation 0 000 | a"
                            + " communication that belittles somebody or something  ");
    static final Map<String, Synset> BY_ID = Map.of(DISPARAGEMENT.id(), DISPARAGEMENT);

    @Test
    void aSenseWordNetMarksAsDisparagingIsLeftOut() {
        Synset s =
                WordNet.parseSynset(
                        "09999999 18 n 01 oaf 0 001 ;u 06717170 n 0000 | a made-up disparaging"
                                + " sense  ");
        assertTrue(OffensiveSenses.test(BY_ID::get, s));
        Synset marked =
                WordNet.parseSynset(
                        "09999998 18 n 01 oaf 0 001 ;u 06717170 n 0000 | a clumsy person  ");
        assertTrue(OffensiveSenses.test(BY_ID::get, marked), "the usage pointer alone is enough");
    }

    @Test
    void aDefinitionCallingItselfOffensiveIsLeftOut() {
        Synset s = WordNet.parseSynset("09999997 18 n 01 oaf 0 000 | (offensive) a made-up term  ");
        assertTrue(OffensiveSenses.test(BY_ID::get, s));
    }

    @Test
    void anOrdinarySenseStays() {
        Synset s =
                WordNet.parseSynset(
                        "02084071 05 n 01 dog 0 000 | a domesticated canine; \"the dog barked\"  ");
        assertFalse(OffensiveSenses.test(BY_ID::get, s));
    }
}
