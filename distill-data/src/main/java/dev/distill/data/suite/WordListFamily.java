package dev.distill.data.suite;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Tasks on a list of words given as context: sort them alphabetically (needs each word's letters,
 * and the output is as long as the input) or count them.
 */
final class WordListFamily implements TaskFamily {
    private final String name;
    private final String instruction;
    private final boolean sort;
    private final int minWords;
    private final int maxWords;
    private final Lexicon lexicon;

    private WordListFamily(
            String name,
            String instruction,
            boolean sort,
            int minWords,
            int maxWords,
            Lexicon lexicon) {
        this.name = name;
        this.instruction = instruction;
        this.sort = sort;
        this.minWords = minWords;
        this.maxWords = maxWords;
        this.lexicon = lexicon;
    }

    static WordListFamily sort(Lexicon lexicon) {
        return new WordListFamily(
                "sort-words", "sort these words alphabetically", true, 3, 7, lexicon);
    }

    static WordListFamily count(Lexicon lexicon) {
        return new WordListFamily("count-words", "count the words", false, 2, 12, lexicon);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<String> templateWords() {
        return Texts.words(instruction);
    }

    /**
     * A sorting key is the set of words (its sorted list), so the same words in another order are
     * the same question; a counting key is the list itself.
     */
    @Override
    public List<String> keys(int wanted, SplittableRandom rng) {
        List<String> words = lexicon.words();
        Set<String> keys = new LinkedHashSet<>();
        for (int attempt = 0; keys.size() < wanted && attempt < wanted * 20; attempt++) {
            int n = minWords + rng.nextInt(maxWords - minWords + 1);
            Set<String> picked = new LinkedHashSet<>();
            while (picked.size() < n) {
                picked.add(words.get(rng.nextInt(words.size())));
            }
            List<String> list = new ArrayList<>(picked);
            if (sort) {
                list.sort(null);
            }
            keys.add(String.join(",", list));
        }
        return List.copyOf(keys);
    }

    @Override
    public Optional<Draft> draft(String key, SplittableRandom rng) {
        List<String> words = Arrays.asList(key.split(","));
        if (!sort) {
            return Optional.of(
                    Draft.of(
                            instruction,
                            String.join(" ", words),
                            List.of(String.valueOf(words.size()))));
        }
        List<String> shown = new ArrayList<>(words);
        do {
            for (int i = shown.size() - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                String t = shown.get(i);
                shown.set(i, shown.get(j));
                shown.set(j, t);
            }
        } while (shown.equals(words)); // an already sorted input would teach copying, not sorting
        return Optional.of(
                Draft.of(instruction, String.join(" ", shown), List.of(String.join(" ", words))));
    }
}
