package dev.distill.data.suite;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.distill.core.data.HeldOutItem;
import dev.distill.core.data.PromptTemplate;
import dev.distill.core.data.TaskItem;
import dev.distill.core.tokenizer.HfTokenizer;
import dev.distill.core.tokenizer.Tokenizers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Builds the bundled instruction-following suite from a WordNet dictionary directory: lexicon,
 * pre-training corpus, vocabulary and tokenizer, the families' items checked against the tokenizer,
 * splits over keys, then the files, README.md, LICENSES.md and MANIFEST.json. Everything is a
 * function of the WordNet files and the config (seed included): building twice gives the same
 * bytes.
 */
public final class SuiteBuilder {
    public static final String CORPUS_FILE = "corpus.txt.gz";
    public static final String LICENSES_FILE = "LICENSES.md";
    public static final String README_FILE = "README.md";

    /** What was built, for the command to print. */
    public record Result(
            Map<String, Map<Split, Integer>> counts,
            int corpusDocuments,
            int vocabularySize,
            Map<String, Long> fileBytes) {}

    private SuiteBuilder() {}

    public static Result build(Path wordNetDir, Path out, SuiteConfig cfg, Consumer<String> log)
            throws IOException {
        WordNet wordNet = WordNet.read(wordNetDir);
        Lexicon lexicon = Lexicon.select(wordNet, cfg.lexiconSize());
        log.accept(
                "lexicon: "
                        + lexicon.words().size()
                        + " words from "
                        + wordNet.synsets().size()
                        + " synsets");
        List<String> corpus = KnowledgeCorpus.documents(lexicon);
        List<String> tokens = vocabulary(lexicon, corpus, cfg);
        Files.createDirectories(out);
        Path tokenizerFile = out.resolve(Tokenizers.FILE);
        writeJson(tokenizerFile, TokenizerJson.of(tokens));
        List<TaskFamily> families =
                Families.all(lexicon, new Glosses(lexicon, new HashSet<>(tokens)::contains));

        Map<String, Map<Split, Integer>> counts = new LinkedHashMap<>();
        Map<Split, List<TaskItem>> splits;
        try (HfTokenizer tokenizer = HfTokenizer.load(tokenizerFile)) {
            ItemFit fit =
                    new ItemFit(
                            tokenizer,
                            tokens.indexOf(SuiteVocabulary.UNK),
                            cfg.maxPromptTokens(),
                            cfg.maxResponseTokens());
            for (String doc : corpus) {
                fit.check("corpus", doc);
            }
            splits = items(families, fit, cfg, counts, log);
        }

        List<String> files =
                new ArrayList<>(List.of(CORPUS_FILE, Tokenizers.FILE, LICENSES_FILE, README_FILE));
        for (Map.Entry<Split, List<TaskItem>> e : splits.entrySet()) {
            GzipFiles.writeLines(
                    out.resolve(e.getKey().fileName()),
                    e.getValue().stream().map(SuiteJson::line).toList());
            files.add(e.getKey().fileName());
        }
        GzipFiles.writeLines(out.resolve(CORPUS_FILE), corpus);
        WordNetSource source = WordNetSource.of(wordNetDir);
        Files.writeString(
                out.resolve(LICENSES_FILE),
                SuiteLicenses.markdown(
                        source.debianPackage() != null
                                ? "Debian package " + source.debianPackage()
                                : "WordNet 3.0 dictionary files"),
                StandardCharsets.UTF_8);
        Files.writeString(
                out.resolve(README_FILE),
                SuiteReadme.markdown(
                        cfg,
                        families,
                        counts,
                        splits.get(Split.TEST),
                        corpus.size(),
                        tokens.size()),
                StandardCharsets.UTF_8);
        files.sort(null);
        writeJson(
                out.resolve(SuiteManifest.FILE),
                SuiteManifest.of(
                        cfg,
                        source,
                        families,
                        counts,
                        corpus.size(),
                        tokens.size(),
                        tokens.indexOf(SuiteVocabulary.EOS),
                        out,
                        files));
        Map<String, Long> bytes = new TreeMap<>();
        for (String f : files) {
            bytes.put(f, Files.size(out.resolve(f)));
        }
        return new Result(counts, corpus.size(), tokens.size(), bytes);
    }

    /**
     * The lexicon, every word the families' and the corpus's wording needs, then the corpus's most
     * frequent words.
     */
    private static List<String> vocabulary(Lexicon lexicon, List<String> corpus, SuiteConfig cfg) {
        Set<String> required = new TreeSet<>(lexicon.words());
        // The families' wording does not depend on the vocabulary, so families over all glosses
        // tell which words it needs.
        Families.all(lexicon, new Glosses(lexicon, w -> true))
                .forEach(f -> required.addAll(f.templateWords()));
        required.addAll(KnowledgeCorpus.TEMPLATE_WORDS);
        Map<String, Integer> corpusWords = new TreeMap<>();
        corpus.forEach(d -> Texts.words(d).forEach(w -> corpusWords.merge(w, 1, Integer::sum)));
        return SuiteVocabulary.tokens(required, corpusWords, cfg.vocabularySize());
    }

    /**
     * Every family's checked items, split over keys and shuffled per split; fills {@code counts}.
     */
    private static Map<Split, List<TaskItem>> items(
            List<TaskFamily> families,
            ItemFit fit,
            SuiteConfig cfg,
            Map<String, Map<Split, Integer>> counts,
            Consumer<String> log) {
        Map<String, Map<String, Draft>> drafts = new LinkedHashMap<>();
        List<KeySplitter.Request> requests = new ArrayList<>();
        int[] test = heldOutCounts(families, cfg.testSize(), cfg.choiceFraction());
        int[] validation = heldOutCounts(families, cfg.validationSize(), cfg.choiceFraction());
        for (int i = 0; i < families.size(); i++) {
            TaskFamily f = families.get(i);
            int cap = cfg.trainCap(f.name());
            // Sampled key spaces draw a tenth more keys than needed: some items do not fit the
            // token budgets.
            int wanted =
                    cap == Integer.MAX_VALUE ? 0 : (int) ((cap + test[i] + validation[i]) * 1.1);
            List<String> keys = f.keys(wanted, Seeds.random(cfg.seed(), "keys", f.name()));
            Map<String, Draft> byKey = draft(f, keys, fit, cfg.seed());
            drafts.put(f.name(), byKey);
            requests.add(
                    new KeySplitter.Request(
                            f, List.copyOf(byKey.keySet()), test[i], validation[i], cap));
            log.accept(String.format("  %-16s %6d usable keys", f.name(), byKey.size()));
        }
        Map<String, Map<Split, List<String>>> assigned = KeySplitter.split(requests, cfg.seed());
        Map<Split, List<TaskItem>> out = new EnumMap<>(Split.class);
        for (Split s : Split.values()) {
            List<TaskItem> items = new ArrayList<>();
            for (TaskFamily f : families) {
                List<String> keys = assigned.get(f.name()).get(s);
                counts.computeIfAbsent(f.name(), k -> new EnumMap<>(Split.class))
                        .put(s, keys.size());
                for (String k : keys) {
                    Draft d = drafts.get(f.name()).get(k);
                    items.add(
                            new TaskItem(
                                    f.name(),
                                    k,
                                    new HeldOutItem(
                                            f.name() + "/" + k,
                                            d.instruction(),
                                            d.context(),
                                            d.references(),
                                            d.options(),
                                            d.answer())));
                }
            }
            // Mixed order, so reading a prefix of a split gives every family.
            Collections.shuffle(
                    items, new Random(Seeds.random(cfg.seed(), "order", s.label()).nextLong()));
            out.put(s, items);
        }
        return out;
    }

    /**
     * Checked drafts by key; keys whose item does not fit, or repeats an earlier prompt, are left
     * out.
     */
    private static Map<String, Draft> draft(
            TaskFamily f, List<String> keys, ItemFit fit, long seed) {
        Map<String, Draft> byKey = new LinkedHashMap<>();
        Set<String> prompts = new HashSet<>();
        for (String key : keys) {
            Optional<Draft> d =
                    f.draft(key, Seeds.random(seed, "item", f.name(), key))
                            .flatMap(x -> fit.fit(f.name(), key, x));
            if (d.isPresent()
                    && prompts.add(
                            PromptTemplate.format(d.get().instruction(), d.get().context()))) {
                byKey.put(key, d.get());
            }
        }
        return byKey;
    }

    /**
     * Held-out items per family: {@code choiceFraction} of them split evenly over the
     * multiple-choice families, the rest evenly over the others (the first families get the
     * remainder), so every family is measured on about the same number of items.
     */
    static int[] heldOutCounts(List<TaskFamily> families, int total, double choiceFraction) {
        int choiceFamilies = (int) families.stream().filter(TaskFamily::multipleChoice).count();
        int choice = choiceFamilies == 0 ? 0 : (int) Math.round(total * choiceFraction);
        int open = total - choice;
        int openFamilies = families.size() - choiceFamilies;
        int[] out = new int[families.size()];
        int seenChoice = 0;
        int seenOpen = 0;
        for (int i = 0; i < families.size(); i++) {
            if (families.get(i).multipleChoice()) {
                out[i] = choice / choiceFamilies + (seenChoice++ < choice % choiceFamilies ? 1 : 0);
            } else {
                out[i] = open / openFamilies + (seenOpen++ < open % openFamilies ? 1 : 0);
            }
        }
        return out;
    }

    private static void writeJson(Path file, JsonNode node) throws IOException {
        DefaultPrettyPrinter pretty =
                new DefaultPrettyPrinter().withObjectIndenter(new DefaultIndenter("  ", "\n"));
        String text = new ObjectMapper().writer(pretty).writeValueAsString(node) + "\n";
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }
}
