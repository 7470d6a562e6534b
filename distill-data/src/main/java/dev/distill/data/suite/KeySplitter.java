package dev.distill.data.suite;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Gives each family's keys a split. Held-out keys are drawn per key space, test first, so a key
 * held out by one family of a space is trained on by none of them; the training keys are what is
 * left, up to the family's cap.
 */
final class KeySplitter {
    /**
     * What one family needs: its usable keys (stable order), held-out counts per split and a
     * training cap.
     */
    record Request(TaskFamily family, List<String> keys, int test, int validation, int trainCap) {}

    private KeySplitter() {}

    /** Family name -> split -> keys. */
    static Map<String, Map<Split, List<String>>> split(List<Request> requests, long seed) {
        Map<String, List<Request>> bySpace = new LinkedHashMap<>();
        for (Request r : requests) {
            bySpace.computeIfAbsent(r.family().keySpace(), k -> new ArrayList<>()).add(r);
        }
        Map<String, Map<Split, List<String>>> out = new LinkedHashMap<>();
        Map<String, List<String>> shuffled = new LinkedHashMap<>();
        for (Request r : requests) {
            List<String> keys = new ArrayList<>(r.keys());
            Collections.shuffle(
                    keys, new Random(Seeds.random(seed, "split", r.family().name()).nextLong()));
            shuffled.put(r.family().name(), keys);
            out.put(r.family().name(), new EnumMap<>(Split.class));
        }
        for (List<Request> space : bySpace.values()) {
            Set<String> heldOut = new HashSet<>();
            for (Split split : List.of(Split.TEST, Split.VALIDATION)) {
                for (Request r : space) {
                    int wanted = split == Split.TEST ? r.test() : r.validation();
                    List<String> picked = new ArrayList<>();
                    for (String k : shuffled.get(r.family().name())) {
                        if (picked.size() == wanted) {
                            break;
                        }
                        if (heldOut.add(k)) {
                            picked.add(k);
                        }
                    }
                    out.get(r.family().name()).put(split, picked);
                }
            }
            for (Request r : space) {
                List<String> train = new ArrayList<>();
                for (String k : shuffled.get(r.family().name())) {
                    if (train.size() == r.trainCap()) {
                        break;
                    }
                    if (!heldOut.contains(k)) {
                        train.add(k);
                    }
                }
                out.get(r.family().name()).put(Split.TRAIN, train);
            }
        }
        return out;
    }
}
