package dev.distill.data.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.distill.core.data.HeldOutItem;
import dev.distill.core.data.InstructionJsonl;
import dev.distill.core.data.PromptTemplate;
import dev.distill.core.data.TaskItem;
import dev.distill.core.tokenizer.HfTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Properties every built suite must have: the built-in-test one and the committed data/suite alike.
 */
final class SuiteChecks {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SuiteChecks() {}

    static JsonNode manifest(Path dir) throws IOException {
        return JSON.readTree(dir.resolve(SuiteManifest.FILE).toFile());
    }

    static Map<Split, List<TaskItem>> splits(Path dir) throws IOException {
        Map<Split, List<TaskItem>> out = new TreeMap<>();
        for (Split s : Split.values()) {
            out.put(s, InstructionJsonl.read(dir.resolve(s.fileName())));
        }
        return out;
    }

    /**
     * Every file but the manifest is listed with its size and hashes, and the counts are those of
     * the files.
     */
    static JsonNode assertManifestMatches(Path dir) throws IOException {
        JsonNode m = manifest(dir);
        Set<String> listed = new HashSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = m.path("files").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            Path f = dir.resolve(e.getKey());
            listed.add(e.getKey());
            assertEquals(
                    e.getValue().path("sha256").asText(), FileDigest.sha256(f), "SHA-256 of " + f);
            assertEquals(e.getValue().path("bytes").asLong(), Files.size(f), "size of " + f);
            if (e.getKey().endsWith(".gz")) {
                assertEquals(
                        e.getValue().path("content_sha256").asText(),
                        FileDigest.contentSha256(f),
                        "content SHA-256 of " + f);
            }
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                assertTrue(
                        name.equals(SuiteManifest.FILE) || listed.contains(name),
                        name + " is not in the manifest");
            }
        }
        Map<Split, List<TaskItem>> splits = splits(dir);
        for (Split s : Split.values()) {
            Map<String, Integer> counted = new HashMap<>();
            splits.get(s).forEach(t -> counted.merge(t.family(), 1, Integer::sum));
            assertEquals(
                    splits.get(s).size(),
                    m.path("counts").path(s.label()).asInt(),
                    "total " + s.label());
            for (JsonNode f : m.path("families")) {
                assertEquals(
                        f.path(s.label()).asInt(),
                        counted.getOrDefault(f.path("name").asText(), 0),
                        s.label() + " items of " + f.path("name").asText());
            }
        }
        return m;
    }

    /**
     * No held-out (key space, key) occurs in training or in the other held-out split, no held-out
     * prompt is also a training prompt, and ids are unique.
     */
    static void assertNoLeaks(Path dir) throws IOException {
        Map<String, String> keySpace = new HashMap<>();
        for (JsonNode f : manifest(dir).path("families")) {
            keySpace.put(f.path("name").asText(), f.path("key_space").asText());
        }
        Map<Split, List<TaskItem>> splits = splits(dir);
        Map<Split, Set<String>> keys = new TreeMap<>();
        Map<Split, Set<String>> prompts = new TreeMap<>();
        Set<String> ids = new HashSet<>();
        for (Map.Entry<Split, List<TaskItem>> e : splits.entrySet()) {
            Set<String> k = new HashSet<>();
            Set<String> p = new HashSet<>();
            for (TaskItem t : e.getValue()) {
                String space = keySpace.get(t.family());
                if (space == null || t.key() == null) {
                    fail(t.item().id() + " has no family in the manifest or no key");
                }
                k.add(space + "\u0000" + t.key());
                p.add(PromptTemplate.format(t.item().instruction(), t.item().context()));
                assertTrue(ids.add(t.item().id()), "duplicate id " + t.item().id());
            }
            keys.put(e.getKey(), k);
            prompts.put(e.getKey(), p);
        }
        for (Split held : List.of(Split.TEST, Split.VALIDATION)) {
            for (String k : keys.get(held)) {
                assertFalse(
                        keys.get(Split.TRAIN).contains(k),
                        held.label() + " key " + k.replace('\u0000', '/') + " is in train");
            }
            for (String p : prompts.get(held)) {
                assertFalse(
                        prompts.get(Split.TRAIN).contains(p),
                        held.label() + " prompt is in train: " + p);
            }
        }
        Set<String> both = new HashSet<>(keys.get(Split.TEST));
        both.retainAll(keys.get(Split.VALIDATION));
        assertTrue(both.isEmpty(), "keys in both test and validation: " + both);
    }

    /**
     * Every text decodes back to itself with no [UNK]; prompts end with a newline token; prompts
     * and references fit their budgets.
     */
    static void assertTokenizable(Path dir, int maxPromptTokens, int maxResponseTokens)
            throws IOException {
        JsonNode vocab =
                JSON.readTree(dir.resolve("tokenizer.json").toFile()).path("model").path("vocab");
        int unk = vocab.path(SuiteVocabulary.UNK).asInt();
        int newline = vocab.path(SuiteVocabulary.NEWLINE).asInt();
        List<String> problems = new ArrayList<>();
        try (HfTokenizer tok = HfTokenizer.load(dir.resolve("tokenizer.json"))) {
            for (List<TaskItem> items : splits(dir).values()) {
                for (TaskItem t : items) {
                    HeldOutItem it = t.item();
                    List<String> texts = new ArrayList<>(it.references());
                    texts.addAll(it.options());
                    texts.add(it.instruction());
                    if (it.context() != null) {
                        texts.add(it.context());
                    }
                    for (String text : texts) {
                        int[] ids = tok.encode(text);
                        if (!tok.decode(ids).equals(text)
                                || Arrays.stream(ids).anyMatch(i -> i == unk)) {
                            problems.add(
                                    it.id() + ": \"" + text + "\" -> \"" + tok.decode(ids) + "\"");
                        }
                    }
                    int[] prompt =
                            tok.encode(PromptTemplate.format(it.instruction(), it.context()));
                    if (prompt.length > maxPromptTokens) {
                        problems.add(it.id() + ": prompt of " + prompt.length + " tokens");
                    }
                    if (prompt[prompt.length - 1] != newline) {
                        problems.add(it.id() + ": the prompt does not end with the newline token");
                    }
                    for (String r : it.references()) {
                        if (tok.encode(r).length > maxResponseTokens) {
                            problems.add(
                                    it.id() + ": reference of " + tok.encode(r).length + " tokens");
                        }
                    }
                }
            }
        }
        assertTrue(
                problems.isEmpty(),
                problems.size()
                        + " problems, first: "
                        + problems.subList(0, Math.min(5, problems.size())));
    }
}
