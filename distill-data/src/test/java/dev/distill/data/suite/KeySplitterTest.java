package dev.distill.data.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class KeySplitterTest {
    /** A family over keys "k0".."k{n-1}" in a given key space. */
    record Stub(String name, String keySpace) implements TaskFamily {
        @Override
        public List<String> templateWords() {
            return List.of();
        }

        @Override
        public List<String> keys(int wanted, SplittableRandom rng) {
            return IntStream.range(0, 100).mapToObj(i -> "k" + i).toList();
        }

        @Override
        public Optional<Draft> draft(String key, SplittableRandom rng) {
            return Optional.empty();
        }
    }

    static final Stub OPEN = new Stub("open", "space");
    static final Stub CHOICE = new Stub("choice", "space");
    static final Stub OTHER = new Stub("other", "other");

    static Map<String, Map<Split, List<String>>> split(long seed) {
        List<String> keys = OPEN.keys(0, null);
        return KeySplitter.split(
                List.of(
                        new KeySplitter.Request(OPEN, keys, 10, 5, Integer.MAX_VALUE),
                        new KeySplitter.Request(CHOICE, keys, 3, 2, 50),
                        new KeySplitter.Request(OTHER, keys, 10, 10, 20)),
                seed);
    }

    @Test
    void aKeyHeldOutByOneFamilyIsTrainedByNoFamilyOfItsKeySpace() {
        var s = split(0);
        Set<String> heldOut = new HashSet<>();
        for (String f : List.of("open", "choice")) {
            heldOut.addAll(s.get(f).get(Split.TEST));
            heldOut.addAll(s.get(f).get(Split.VALIDATION));
        }
        assertEquals(20, heldOut.size(), "held-out keys of one space are distinct");
        for (String f : List.of("open", "choice")) {
            for (String k : s.get(f).get(Split.TRAIN)) {
                assertTrue(!heldOut.contains(k), f + " trains on held-out " + k);
            }
        }
        assertEquals(
                80,
                s.get("open").get(Split.TRAIN).size(),
                "an uncapped family trains on every other key");
        assertEquals(50, s.get("choice").get(Split.TRAIN).size(), "a capped one stops at its cap");
    }

    @Test
    void otherKeySpacesAreSplitIndependently() {
        var s = split(0);
        assertEquals(10, s.get("other").get(Split.TEST).size());
        assertEquals(20, s.get("other").get(Split.TRAIN).size());
        Set<String> otherTrain = new HashSet<>(s.get("other").get(Split.TRAIN));
        otherTrain.retainAll(s.get("open").get(Split.TEST));
        // "other" may train on a key "open" holds out: different questions about the same thing are
        // allowed.
        assertTrue(otherTrain.size() <= 10);
    }

    @Test
    void theSplitIsAFunctionOfTheSeed() {
        assertEquals(split(3), split(3));
        assertTrue(!split(3).equals(split(4)));
    }
}
