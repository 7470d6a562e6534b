package dev.distill.data.suite;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parts of a WordNet 3.0 database the suite needs, read from its dictionary directory (Debian's
 * {@code wordnet-base} installs it at /usr/share/wordnet): synsets with their relations, each
 * lemma's synsets in WordNet's sense order, and how often each sense was tagged in the SemCor
 * corpus (cntlist.rev), which is how "common words" are chosen. Synsets are looked up by their id,
 * never by byte offset, so a subset of the files (the tests' fixture) reads the same way; pointers
 * to synsets that are not present are dropped.
 */
public final class WordNet {
    public static final List<String> FILES =
            List.of(
                    "data.noun",
                    "data.verb",
                    "data.adj",
                    "data.adv",
                    "index.noun",
                    "index.verb",
                    "index.adj",
                    "index.adv",
                    "cntlist.rev");
    private static final String[] POS_FILES = {"noun", "verb", "adj", "adv"};
    private static final Pattern EXAMPLE = Pattern.compile("\"([^\"]*)\"");

    private final Map<String, Synset> synsets;
    private final Map<String, List<String>> senses;
    private final Map<String, Integer> tagCounts;

    private WordNet(
            Map<String, Synset> synsets,
            Map<String, List<String>> senses,
            Map<String, Integer> tagCounts) {
        this.synsets = synsets;
        this.senses = senses;
        this.tagCounts = tagCounts;
    }

    public static WordNet read(Path dir) throws IOException {
        for (String f : FILES) {
            if (!Files.isRegularFile(dir.resolve(f))) {
                throw new NoSuchFileException(
                        dir.resolve(f).toString(),
                        null,
                        "not a WordNet 3.0 dictionary directory (on Debian: apt-get install"
                                + " wordnet-base)");
            }
        }
        Map<String, Synset> synsets = new TreeMap<>();
        for (String pos : POS_FILES) {
            for (String line :
                    Files.readAllLines(dir.resolve("data." + pos), StandardCharsets.UTF_8)) {
                if (!line.startsWith("  ") && !line.isBlank()) {
                    Synset s = parseSynset(line);
                    synsets.put(s.id(), s);
                }
            }
        }
        Map<String, Synset> kept = new TreeMap<>();
        for (Synset s : synsets.values()) {
            List<Synset.Pointer> present =
                    s.pointers().stream().filter(p -> synsets.containsKey(p.target())).toList();
            kept.put(
                    s.id(),
                    new Synset(
                            s.id(),
                            s.pos(),
                            s.satellite(),
                            s.lexFile(),
                            s.words(),
                            present,
                            s.definition(),
                            s.examples()));
        }
        Map<String, List<String>> senses = new TreeMap<>();
        for (String pos : POS_FILES) {
            for (String line :
                    Files.readAllLines(dir.resolve("index." + pos), StandardCharsets.UTF_8)) {
                if (line.startsWith("  ") || line.isBlank()) {
                    continue;
                }
                String[] f = line.trim().split(" ");
                int synsetCount = Integer.parseInt(f[2]);
                char p = normalPos(f[1].charAt(0));
                List<String> ids = senses.computeIfAbsent(f[0], k -> new ArrayList<>());
                for (int i = f.length - synsetCount; i < f.length; i++) {
                    if (kept.containsKey(f[i] + p)) {
                        ids.add(f[i] + p);
                    }
                }
            }
        }
        Map<String, Integer> counts = new HashMap<>();
        for (String line : Files.readAllLines(dir.resolve("cntlist.rev"), StandardCharsets.UTF_8)) {
            String[] f = line.trim().split(" ");
            if (f.length == 3) {
                counts.merge(senseKeyPrefix(f[0]), Integer.parseInt(f[2]), Integer::sum);
            }
        }
        return new WordNet(
                Collections.unmodifiableMap(kept),
                Collections.unmodifiableMap(senses),
                Collections.unmodifiableMap(counts));
    }

    /** All synsets by id, in id order. */
    public Map<String, Synset> synsets() {
        return synsets;
    }

    public Synset synset(String id) {
        return synsets.get(id);
    }

    /**
     * The lemma's synsets (any part of speech) in WordNet's order, most frequent sense first per
     * part of speech.
     */
    public List<String> senses(String lemma) {
        return senses.getOrDefault(lemma, List.of());
    }

    /** How often this word's sense in this synset was tagged in SemCor (0 when never). */
    public int tagCount(Synset s, Synset.Word w) {
        int type =
                switch (s.pos()) {
                    case 'n' -> 1;
                    case 'v' -> 2;
                    case 'r' -> 4;
                    default -> s.satellite() ? 5 : 3;
                };
        return tagCounts.getOrDefault(
                w.lemma().toLowerCase() + "%" + type + ":" + s.lexFile() + ":" + w.lexId(), 0);
    }

    static Synset parseSynset(String line) {
        int bar = line.indexOf(" | ");
        String[] f = (bar < 0 ? line : line.substring(0, bar)).trim().split(" ");
        String gloss = bar < 0 ? "" : line.substring(bar + 3).trim();
        char type = f[2].charAt(0);
        char pos = normalPos(type);
        String id = f[0] + pos;
        int wordCount = Integer.parseInt(f[3], 16);
        List<Synset.Word> words = new ArrayList<>();
        int i = 4;
        for (int w = 0; w < wordCount; w++, i += 2) {
            // Adjectives may carry a syntactic marker such as "(a)" or "(ip)": not part of the
            // lemma.
            String lemma = f[i].replaceFirst("\\([a-z]+\\)$", "");
            words.add(new Synset.Word(lemma, Integer.parseInt(f[i + 1], 16)));
        }
        int pointerCount = Integer.parseInt(f[i++]);
        List<Synset.Pointer> pointers = new ArrayList<>();
        for (int p = 0; p < pointerCount; p++, i += 4) {
            String st = f[i + 3];
            pointers.add(
                    new Synset.Pointer(
                            f[i],
                            f[i + 1] + normalPos(f[i + 2].charAt(0)),
                            Integer.parseInt(st.substring(0, 2), 16),
                            Integer.parseInt(st.substring(2), 16)));
        }
        int semicolon = gloss.indexOf(';');
        int quote = gloss.indexOf('"');
        int end = gloss.length();
        if (semicolon >= 0) {
            end = semicolon;
        }
        if (quote >= 0 && quote < end) {
            end = quote;
        }
        List<String> examples = new ArrayList<>();
        Matcher m = EXAMPLE.matcher(gloss);
        while (m.find()) {
            examples.add(m.group(1).trim());
        }
        return new Synset(
                id,
                pos,
                type == 's',
                Integer.parseInt(f[1]),
                List.copyOf(words),
                List.copyOf(pointers),
                gloss.substring(0, end).trim(),
                List.copyOf(examples));
    }

    private static char normalPos(char c) {
        return c == 's' ? 'a' : c;
    }

    /**
     * "lemma%type:lexfile:lexid" of a sense key; the satellite head word after it is not needed.
     */
    private static String senseKeyPrefix(String senseKey) {
        int pct = senseKey.indexOf('%');
        String[] parts = senseKey.substring(pct + 1).split(":");
        return senseKey.substring(0, pct)
                + "%"
                + Integer.parseInt(parts[0])
                + ":"
                + Integer.parseInt(parts[1])
                + ":"
                + Integer.parseInt(parts[2]);
    }
}
