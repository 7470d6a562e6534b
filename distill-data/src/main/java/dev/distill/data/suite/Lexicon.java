package dev.distill.data.suite;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The suite's words: the most frequent single-word, lower-case WordNet lemmas (frequency = SemCor
 * tag counts of their senses, so proper nouns and rare words stay out), with their common senses
 * and the relations between them. Relations only ever name words of the lexicon, so every answer is
 * a whole token of the suite's vocabulary and the knowledge it needs can appear in the pre-training
 * corpus.
 */
public final class Lexicon {
    /**
     * Relations are taken from this many of a word's most used senses: with every sense, "side is a
     * kind of what?" had 13 answers (blood, stock, opinion...), and a question almost anything
     * answers measures nothing.
     */
    static final int RELATION_SENSES = 3;

    /** Lower-case letters with a vowel: "mg" or "tv" are abbreviations, not words to spell. */
    private static final Pattern WORD = Pattern.compile("(?=.*[aeiouy])[a-z]{2,12}");

    private final WordNet wordNet;
    private final List<String> words;
    private final Map<String, Integer> rank = new HashMap<>();
    private final Map<String, List<Synset>> senses = new HashMap<>();
    private final Map<String, List<Synset>> relationSenses = new HashMap<>();

    private Lexicon(WordNet wordNet, List<String> words) {
        this.wordNet = wordNet;
        this.words = List.copyOf(words);
        for (int i = 0; i < words.size(); i++) {
            rank.put(words.get(i), i);
        }
        for (String w : words) {
            List<Synset> common = commonSenses(wordNet, w);
            senses.put(w, common);
            relationSenses.put(
                    w,
                    common.stream()
                            .sorted(Comparator.comparingInt((Synset s) -> -tagCount(wordNet, s, w)))
                            .limit(RELATION_SENSES)
                            .toList());
        }
    }

    /**
     * The {@code size} most frequent lemmas, most frequent first (ties alphabetical, so the choice
     * is stable).
     */
    public static Lexicon select(WordNet wordNet, int size) {
        Map<String, Integer> frequency = new TreeMap<>();
        for (Synset s : wordNet.synsets().values()) {
            if (OffensiveSenses.test(wordNet::synset, s)) {
                continue;
            }
            for (Synset.Word w : s.words()) {
                // A lemma written with capitals is a proper-noun sense; only the common-noun uses
                // count.
                if (WORD.matcher(w.lemma()).matches()) {
                    frequency.merge(w.lemma(), wordNet.tagCount(s, w), Integer::sum);
                }
            }
        }
        List<String> ranked =
                frequency.entrySet().stream()
                        .filter(e -> e.getValue() > 0)
                        .sorted(
                                Map.Entry.<String, Integer>comparingByValue()
                                        .reversed()
                                        .thenComparing(Map.Entry.comparingByKey()))
                        .map(Map.Entry::getKey)
                        .limit(size)
                        .toList();
        return new Lexicon(wordNet, ranked);
    }

    /** Most frequent first. */
    public List<String> words() {
        return words;
    }

    public boolean contains(String word) {
        return rank.containsKey(word);
    }

    /**
     * Sorts words of the lexicon most frequent first, so a multi-answer item's first reference is
     * the likeliest.
     */
    public List<String> byFrequency(Collection<String> ws) {
        return ws.stream().distinct().sorted(Comparator.comparingInt(rank::get)).toList();
    }

    /**
     * The word's senses that SemCor saw it used in, plus its first sense of each part of speech:
     * rare senses ("dog" as "a dull unattractive unpleasant girl") would make answers nobody
     * expects.
     */
    public List<Synset> senses(String word) {
        return senses.getOrDefault(word, List.of());
    }

    /**
     * The part of speech the word is mostly used as (by SemCor counts, ties to WordNet's first):
     * "name a kind of normal" is a strange question because "normal" is mostly an adjective.
     */
    public char primaryPos(String word) {
        Map<Character, Integer> counts = new TreeMap<>();
        char first = 0;
        for (Synset s : senses(word)) {
            first = first == 0 ? s.pos() : first;
            counts.merge(s.pos(), tagCount(wordNet, s, word), Integer::sum);
        }
        char best = first;
        for (Map.Entry<Character, Integer> e : counts.entrySet()) {
            if (e.getValue() > counts.getOrDefault(best, 0)) {
                best = e.getKey();
            }
        }
        return best;
    }

    public Set<Character> partsOfSpeech(String word) {
        Set<Character> out = new LinkedHashSet<>();
        senses(word).forEach(s -> out.add(s.pos()));
        return out;
    }

    /**
     * The lexicon's words among a synset's words, most frequent first; none for an offensive sense.
     */
    public List<String> lemmas(Synset s) {
        List<String> out = new ArrayList<>();
        if (OffensiveSenses.test(wordNet::synset, s)) {
            return out;
        }
        for (Synset.Word w : s.words()) {
            if (contains(w.lemma())) {
                out.add(w.lemma());
            }
        }
        return byFrequency(out);
    }

    public List<String> synonyms(String word) {
        List<String> out = new ArrayList<>();
        for (Synset s : relationSenses(word)) {
            out.addAll(lemmas(s));
        }
        out.removeIf(word::equals);
        return byFrequency(out);
    }

    /**
     * Direct hyponyms of the word's noun senses ("name a kind of dog"), for words mostly used as
     * nouns.
     */
    public List<String> hyponyms(String word) {
        return related(word, "~");
    }

    /**
     * Direct hypernyms of the word's noun senses ("poodle is a kind of what?"), for words mostly
     * used as nouns.
     */
    public List<String> hypernyms(String word) {
        return related(word, "@");
    }

    /** WordNet's antonyms of exactly this word (antonymy is between words, not synsets). */
    public List<String> antonyms(String word) {
        List<String> out = new ArrayList<>();
        for (Synset s : relationSenses(word)) {
            for (Synset.Pointer p : s.pointers()) {
                if (p.symbol().equals("!")
                        && p.sourceWord() > 0
                        && s.words().get(p.sourceWord() - 1).lemma().equals(word)) {
                    Synset t = wordNet.synset(p.target());
                    String target = t.words().get(p.targetWord() - 1).lemma();
                    if (contains(target)
                            && !target.equals(word)
                            && !OffensiveSenses.test(wordNet::synset, t)) {
                        out.add(target);
                    }
                }
            }
        }
        return byFrequency(out);
    }

    private List<String> related(String word, String symbol) {
        List<String> out = new ArrayList<>();
        if (primaryPos(word) != 'n') {
            return out;
        }
        for (Synset s : relationSenses(word)) {
            if (s.pos() != 'n') {
                continue;
            }
            for (Synset.Pointer p : s.pointers()) {
                if (p.symbol().equals(symbol)) {
                    out.addAll(lemmas(wordNet.synset(p.target())));
                }
            }
        }
        out.removeIf(word::equals);
        return byFrequency(out);
    }

    /** The word's relations come from these senses: its most used ones. */
    public List<Synset> relationSenses(String word) {
        return relationSenses.getOrDefault(word, List.of());
    }

    private static int tagCount(WordNet wn, Synset s, String word) {
        return s.words().stream()
                .filter(x -> x.lemma().equals(word))
                .mapToInt(x -> wn.tagCount(s, x))
                .sum();
    }

    private static List<Synset> commonSenses(WordNet wn, String word) {
        List<Synset> out = new ArrayList<>();
        Set<Character> firstSeen = new LinkedHashSet<>();
        for (String id : wn.senses(word)) {
            Synset s = wn.synset(id);
            Synset.Word w =
                    s.words().stream().filter(x -> x.lemma().equals(word)).findFirst().orElse(null);
            if (w == null || OffensiveSenses.test(wn::synset, s)) {
                continue; // a capitalised (proper-noun) form of the word, or a sense the suite
                // leaves out
            }
            if (firstSeen.add(s.pos()) || wn.tagCount(s, w) > 0) {
                out.add(s);
            }
        }
        return List.copyOf(out);
    }
}
