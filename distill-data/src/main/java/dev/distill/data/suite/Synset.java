package dev.distill.data.suite;

import java.util.List;

/**
 * One WordNet synset as stored in a data.{noun,verb,adj,adv} line.
 *
 * @param id offset and part of speech, e.g. "02084071n" (adjective satellites use "a")
 * @param pos 'n', 'v', 'a' or 'r'
 * @param satellite an adjective satellite ('s' in the file), whose sense keys use type 5
 * @param lexFile the lexicographer file number, part of every sense key
 * @param words the synset's words in order, as written (capitals mark proper nouns)
 * @param pointers relations to other synsets or to their words
 * @param definition the gloss up to its first example, as written
 * @param examples the gloss's quoted example sentences
 */
public record Synset(
        String id,
        char pos,
        boolean satellite,
        int lexFile,
        List<Word> words,
        List<Pointer> pointers,
        String definition,
        List<String> examples) {

    /** A word of a synset; {@code lexId} tells its senses in one lexicographer file apart. */
    public record Word(String lemma, int lexId) {}

    /**
     * A relation. {@code sourceWord} and {@code targetWord} are 1-based word indices for lexical
     * relations (antonymy) and 0 for relations between whole synsets (hypernymy).
     */
    public record Pointer(String symbol, String target, int sourceWord, int targetWord) {}
}
