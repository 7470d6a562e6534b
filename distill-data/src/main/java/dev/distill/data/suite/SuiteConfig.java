package dev.distill.data.suite;

import java.util.Map;

/**
 * Sizes of the bundled suite. The defaults aim at DESIGN.md's demo: a 10-20M-parameter teacher must
 * learn clearly more than a 1-2M student in CPU-hours, so prompts and responses are short, the
 * vocabulary is a few thousand words, and there are tens of thousands of training items.
 *
 * @param lexiconSize how many of WordNet's most frequent lemmas the tasks ask about
 * @param vocabularySize ids in tokenizer.json (lexicon, template words, letters, digits,
 *     punctuation, definition words)
 * @param testSize held-out test items, spread evenly over the families
 * @param validationSize held-out validation items, spread the same way
 * @param choiceFraction share of multiple-choice items in each held-out split
 * @param maxPromptTokens longest prompt (instruction and context as the model sees them)
 * @param maxResponseTokens longest reference, without the end-of-text token
 * @param trainCaps most training items per family; families not listed take all their keys
 */
public record SuiteConfig(
        long seed,
        int lexiconSize,
        int vocabularySize,
        int testSize,
        int validationSize,
        double choiceFraction,
        int maxPromptTokens,
        int maxResponseTokens,
        Map<String, Integer> trainCaps) {

    public static SuiteConfig defaults(long seed) {
        return new SuiteConfig(
                seed,
                3000,
                4096,
                500,
                500,
                0.1,
                32,
                24,
                Map.of(
                        "sort-words", 5000,
                        "count-words", 3000,
                        "number-words", 5000,
                        "arithmetic", 6000,
                        "choice-meaning", 3000,
                        "choice-kind", 1500));
    }

    int trainCap(String family) {
        return trainCaps.getOrDefault(family, Integer.MAX_VALUE);
    }
}
