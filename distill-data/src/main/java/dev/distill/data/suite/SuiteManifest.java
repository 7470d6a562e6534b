package dev.distill.data.suite;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * MANIFEST.json of a built suite: how it was built (seed, sizes, sources with their SHA-256), what
 * is in it (items per family and split, corpus documents, vocabulary) and the SHA-256 of every
 * file, so a checkout can prove its data is the data the recipe makes.
 */
public final class SuiteManifest {
    public static final String FILE = "MANIFEST.json";
    public static final int FORMAT_VERSION = 1;

    private SuiteManifest() {}

    static ObjectNode of(
            SuiteConfig cfg,
            WordNetSource source,
            List<TaskFamily> families,
            Map<String, Map<Split, Integer>> counts,
            int corpusDocuments,
            int vocabularySize,
            int eosId,
            Path dir,
            List<String> files)
            throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode m = json.createObjectNode();
        m.put("name", "distill task suite");
        m.put("format_version", FORMAT_VERSION);
        m.put("recipe", recipe(cfg));
        m.put("seed", cfg.seed());
        ObjectNode c = m.putObject("config");
        c.put("lexicon_size", cfg.lexiconSize());
        c.put("vocabulary_size", cfg.vocabularySize());
        c.put("test_size", cfg.testSize());
        c.put("validation_size", cfg.validationSize());
        c.put("choice_fraction", cfg.choiceFraction());
        c.put("max_prompt_tokens", cfg.maxPromptTokens());
        c.put("max_response_tokens", cfg.maxResponseTokens());
        ObjectNode caps = c.putObject("train_caps");
        new TreeMap<>(cfg.trainCaps()).forEach(caps::put);
        ObjectNode wn = m.putArray("sources").addObject();
        wn.put("name", "WordNet");
        wn.put("version", "3.0");
        wn.put("licence", "WordNet 3.0 licence (LICENSES.md)");
        if (source.debianPackage() != null) {
            wn.put("debian_package", source.debianPackage());
        } else {
            wn.putNull("debian_package");
        }
        ObjectNode srcFiles = wn.putObject("files_sha256");
        source.fileSha256().forEach(srcFiles::put);
        ObjectNode tok = m.putObject("tokenizer");
        tok.put("file", "tokenizer.json");
        tok.put("model", "WordPiece (whole words, letter and digit pieces)");
        tok.put("vocab_size", vocabularySize);
        tok.put("eos_token", SuiteVocabulary.EOS);
        tok.put("eos_id", eosId);
        ObjectNode totals = m.putObject("counts");
        for (Split s : Split.values()) {
            totals.put(s.label(), counts.values().stream().mapToInt(x -> x.get(s)).sum());
        }
        totals.put("corpus_documents", corpusDocuments);
        var fam = m.putArray("families");
        for (TaskFamily f : families) {
            ObjectNode n = fam.addObject();
            n.put("name", f.name());
            n.put("key_space", f.keySpace());
            n.put("multiple_choice", f.multipleChoice());
            for (Split s : Split.values()) {
                n.put(s.label(), counts.get(f.name()).get(s));
            }
        }
        ObjectNode fileNode = m.putObject("files");
        for (String f : files) {
            Path p = dir.resolve(f);
            ObjectNode n = fileNode.putObject(f);
            n.put("bytes", Files.size(p));
            n.put("sha256", FileDigest.sha256(p));
            if (f.endsWith(".gz")) {
                n.put("content_sha256", FileDigest.contentSha256(p));
            }
        }
        return m;
    }

    /** The command that rebuilds these files (given the same WordNet files). */
    static String recipe(SuiteConfig cfg) {
        SuiteConfig d = SuiteConfig.defaults(cfg.seed());
        StringBuilder r =
                new StringBuilder("./distill build-data --out <dir> --seed " + cfg.seed());
        if (cfg.lexiconSize() != d.lexiconSize()) {
            r.append(" --lexicon-size ").append(cfg.lexiconSize());
        }
        if (cfg.vocabularySize() != d.vocabularySize()) {
            r.append(" --vocab-size ").append(cfg.vocabularySize());
        }
        if (cfg.testSize() != d.testSize() || cfg.validationSize() != d.validationSize()) {
            r.append(" --held-out ").append(cfg.testSize());
        }
        return r.toString();
    }
}
