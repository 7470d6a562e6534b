package dev.distill.data.suite;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The pre-training corpus (the L_pt term): one dictionary entry per lexicon word (spelling, length,
 * definitions, synonyms, kinds, opposite) and WordNet's example sentences, one document per line.
 * It is the suite's source of knowledge: it covers every lexicon word, held-out ones included, in a
 * form unlike any instruction, so a held-out item tests recalling and using what the corpus taught,
 * which is where a larger model's capacity shows.
 */
final class KnowledgeCorpus {
    static final int MAX_LISTED = 8;
    static final int MAX_EXAMPLES_PER_WORD = 3;
    static final List<String> TEMPLATE_WORDS =
            List.of(
                    "spelled",
                    "letters",
                    "noun",
                    "verb",
                    "adjective",
                    "adverb",
                    "synonyms",
                    "is",
                    "a",
                    "kind",
                    "of",
                    "kinds",
                    "opposite");

    private KnowledgeCorpus() {}

    static List<String> documents(Lexicon lexicon) {
        List<String> docs = new ArrayList<>();
        for (String w : lexicon.words().stream().sorted().toList()) {
            docs.add(entry(lexicon, w));
        }
        Set<String> examples = new LinkedHashSet<>();
        for (String w : lexicon.words().stream().sorted().toList()) {
            examples.addAll(examples(lexicon, w));
        }
        docs.addAll(examples);
        return docs;
    }

    static String entry(Lexicon lexicon, String w) {
        List<String> parts = new ArrayList<>();
        parts.add(w + ": spelled " + Texts.letters(w) + ", " + w.length() + " letters");
        for (Synset s : Glosses.defined(lexicon, w)) {
            parts.add(posName(s.pos()) + ": " + s.definition());
        }
        List<String> synonyms = lexicon.synonyms(w);
        if (!synonyms.isEmpty()) {
            parts.add("synonyms: " + String.join(", ", first(synonyms)));
        }
        List<String> hypernyms = lexicon.hypernyms(w);
        if (!hypernyms.isEmpty()) {
            parts.add(w + " is a kind of " + Texts.listWithOr(first(hypernyms)));
        }
        List<String> hyponyms = lexicon.hyponyms(w);
        if (!hyponyms.isEmpty()) {
            parts.add("kinds of " + w + ": " + String.join(", ", first(hyponyms)));
        }
        List<String> antonyms = lexicon.antonyms(w);
        if (!antonyms.isEmpty()) {
            parts.add("opposite of " + w + ": " + Texts.listWithOr(first(antonyms)));
        }
        return String.join(". ", parts) + ".";
    }

    /**
     * The word's senses' example sentences that the vocabulary writes back exactly (lower-cased, no
     * quotes).
     */
    static List<String> examples(Lexicon lexicon, String w) {
        List<String> out = new ArrayList<>();
        for (Synset s : Glosses.defined(lexicon, w)) {
            for (String e : s.examples()) {
                String text = e.toLowerCase().replaceAll("[.!?]+$", "");
                if (out.size() < MAX_EXAMPLES_PER_WORD
                        && Texts.clean(text)
                        && Texts.words(text).contains(w)) {
                    out.add(text + ".");
                }
            }
        }
        return out;
    }

    private static List<String> first(List<String> words) {
        return words.subList(0, Math.min(MAX_LISTED, words.size()));
    }

    private static String posName(char pos) {
        return switch (pos) {
            case 'n' -> "noun";
            case 'v' -> "verb";
            case 'a' -> "adjective";
            default -> "adverb";
        };
    }
}
