package dev.distill.data.suite;

import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * One kind of task in the suite. A family enumerates the keys it can ask about (a word, a number, a
 * synset) and writes the item for a key. Splits are made over keys, so what a held-out item asks is
 * never asked in training.
 */
public interface TaskFamily {
    String name();

    /**
     * Families that ask about the same things in another form (a synset as a free answer and as
     * multiple choice) share a key space: a key held out for one is kept out of the other's
     * training items too.
     */
    default String keySpace() {
        return name();
    }

    default boolean multipleChoice() {
        return false;
    }

    /** The words of the family's fixed wording, which the vocabulary must hold whole. */
    List<String> templateWords();

    /**
     * Candidate keys without duplicates, in a stable order. Families with more possible keys than
     * needed (number pairs, word lists) sample {@code wanted} of them with {@code rng}.
     */
    List<String> keys(int wanted, SplittableRandom rng);

    /**
     * The item for a key; {@code rng} only chooses presentation (word order, distractors). Empty if
     * the key cannot be asked.
     */
    Optional<Draft> draft(String key, SplittableRandom rng);
}
