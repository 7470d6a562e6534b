package dev.distill.recipes;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A task suite small enough to train on in a test: "reverse"/"copy" a few letters, with a
 * word-level tokenizer.json of 16 ids (end-of-text is id 1), a corpus of letter runs, and a recipe
 * for a GPT of a few thousand parameters.
 */
final class TinySuite {
    static final String LETTERS = "abcdefghijkl";
    static final int VOCAB = 16;
    static final int EOS = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    private TinySuite() {}

    /** Writes tokenizer.json, train.jsonl, validation.jsonl and corpus.txt into {@code dir}. */
    static Path write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("tokenizer.json"), tokenizerJson());
        SplittableRandom rng = new SplittableRandom(42);
        StringBuilder train = new StringBuilder();
        StringBuilder validation = new StringBuilder();
        for (int i = 0; i < 240; i++) {
            String word = word(rng);
            boolean reverse = i % 2 == 0;
            String line =
                    item(
                            i,
                            reverse ? "reverse" : "copy",
                            word,
                            reverse ? new StringBuilder(word).reverse() + "" : word);
            (i < 200 ? train : validation).append(line).append('\n');
        }
        Files.writeString(dir.resolve("train.jsonl"), train);
        Files.writeString(dir.resolve("validation.jsonl"), validation);
        StringBuilder corpus = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            int start = rng.nextInt(LETTERS.length() - 4);
            corpus.append(spaced(LETTERS.substring(start, start + 3 + rng.nextInt(2))))
                    .append('\n');
        }
        Files.writeString(dir.resolve("corpus.txt"), corpus);
        return dir;
    }

    /** A recipe over the suite in {@code suite}: n_embd 16, 1 layer, {@code steps} steps. */
    static ObjectNode recipe(Path suite, int steps) {
        ObjectNode r = JSON.createObjectNode();
        r.put("name", "tiny");
        r.put("seed", 7);
        ObjectNode m = r.putObject("model");
        m.put("vocab_size", VOCAB);
        m.put("n_positions", 16);
        m.put("n_embd", 16);
        m.put("n_layer", 1);
        m.put("n_head", 2);
        m.put("eos_token_id", EOS);
        ObjectNode d = r.putObject("data");
        d.put("suite", suite.toAbsolutePath().toString());
        d.put("train", "train.jsonl");
        d.put("validation", "validation.jsonl");
        d.put("corpus", "corpus.txt");
        ObjectNode o = r.putObject("optimizer");
        o.put("lr", 0.01);
        o.putArray("betas").add(0.9).add(0.95);
        o.put("weight_decay", 0.1);
        o.put("grad_clip", 1.0);
        o.put("warmup_steps", 2);
        o.put("min_lr_ratio", 0.1);
        ObjectNode t = r.putObject("training");
        t.put("steps", steps);
        t.put("batch_size", 8);
        t.put("seq_len", 16);
        t.put("corpus_fraction", 0.25);
        t.put("log_every", 5);
        t.put("checkpoint_every", 4);
        ObjectNode e = r.putObject("evaluation");
        e.put("every", 5);
        e.put("items", 10);
        e.put("max_new_tokens", 6);
        e.putArray("seeds").add(1).add(2);
        return r;
    }

    static Path writeRecipe(Path file, ObjectNode recipe) throws IOException {
        Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(recipe));
        return file;
    }

    private static String item(int i, String task, String word, String answer) {
        return "{\"id\": \""
                + task
                + "/"
                + i
                + "\", \"family\": \""
                + task
                + "\", \"instruction\": \""
                + task
                + " "
                + spaced(word)
                + "\", \"references\": [\""
                + spaced(answer)
                + "\"]}";
    }

    private static String word(SplittableRandom rng) {
        StringBuilder w = new StringBuilder();
        for (int n = 2 + rng.nextInt(3); w.length() < n; ) {
            w.append(LETTERS.charAt(rng.nextInt(LETTERS.length())));
        }
        return w.toString();
    }

    private static String spaced(CharSequence letters) {
        List<String> out = new ArrayList<>();
        letters.chars().forEach(c -> out.add(String.valueOf((char) c)));
        return String.join(" ", out);
    }

    private static String tokenizerJson() {
        StringBuilder vocab = new StringBuilder("\"[UNK]\": 0, \"reverse\": 2, \"copy\": 3");
        for (int i = 0; i < LETTERS.length(); i++) {
            vocab.append(", \"").append(LETTERS.charAt(i)).append("\": ").append(4 + i);
        }
        return "{\"version\": \"1.0\", \"truncation\": null, \"padding\": null,\n"
                + " \"added_tokens\": [{\"id\": "
                + EOS
                + ", \"content\": \"<|endoftext|>\", \"single_word\": false, \"lstrip\": false,"
                + " \"rstrip\": false, \"normalized\": false, \"special\": true}],\n"
                + " \"normalizer\": null, \"pre_tokenizer\": {\"type\": \"WhitespaceSplit\"},"
                + " \"post_processor\": null,\n"
                + " \"decoder\": {\"type\": \"WordPiece\", \"prefix\": \"##\", \"cleanup\":"
                + " false},\n"
                + " \"model\": {\"type\": \"WordLevel\", \"vocab\": {"
                + vocab
                + "}, \"unk_token\": \"[UNK]\"}}\n";
    }
}
