package dev.distill.core.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Any Hugging Face {@code tokenizer.json} (BPE, WordPiece, WordLevel, Unigram), through DJL's
 * binding of the Rust tokenizers library, whose native library ships inside the jar. Special tokens
 * are not added on encode: prompts are concatenated with responses by the caller.
 */
public final class HfTokenizer implements Tokenizer, AutoCloseable {
    private static final List<String> EOS_NAMES =
            List.of("<|endoftext|>", "<|end_of_text|>", "</s>", "<eos>", "<|eos|>", "[EOS]");

    private final HuggingFaceTokenizer tokenizer;
    private final int vocabSize;
    private final OptionalInt eos;
    private final Path file;

    private HfTokenizer(HuggingFaceTokenizer tokenizer, int vocabSize, OptionalInt eos, Path file) {
        this.tokenizer = tokenizer;
        this.vocabSize = vocabSize;
        this.eos = eos;
        this.file = file;
    }

    public static HfTokenizer load(Path tokenizerJson) throws IOException {
        if (!Files.isRegularFile(tokenizerJson)) {
            throw new IOException("no tokenizer file at " + tokenizerJson);
        }
        JsonNode root = parse(tokenizerJson);
        OptionalInt eos = OptionalInt.empty();
        for (JsonNode added : root.path("added_tokens")) {
            if (eos.isEmpty() && EOS_NAMES.contains(added.path("content").asText())) {
                eos = OptionalInt.of(added.path("id").asInt());
            }
        }
        int vocabularySize = vocabularySize(root, tokenizerJson);
        HuggingFaceTokenizer tok;
        try {
            // DJL truncates to modelMaxLength (512) by default: a long pre-training document would
            // lose its tail without a word. Context limits are the model's business, checked where
            // ids are used.
            tok =
                    HuggingFaceTokenizer.newInstance(
                            tokenizerJson,
                            Map.of(
                                    "addSpecialTokens",
                                    "false",
                                    "truncation",
                                    "false",
                                    "modelMaxLength",
                                    String.valueOf(Integer.MAX_VALUE)));
        } catch (RuntimeException e) {
            throw new IOException(
                    "the tokenizers library rejected " + tokenizerJson + ": " + e.getMessage(), e);
        }
        return new HfTokenizer(tok, vocabularySize, eos, tokenizerJson);
    }

    /**
     * Ids the tokenizer can produce (its largest id + 1), read without loading the native library.
     */
    public static int vocabularySize(Path tokenizerJson) throws IOException {
        return vocabularySize(parse(tokenizerJson), tokenizerJson);
    }

    private static JsonNode parse(Path tokenizerJson) throws IOException {
        try {
            return new ObjectMapper().readTree(tokenizerJson.toFile());
        } catch (IOException e) {
            throw new IOException("cannot parse " + tokenizerJson + ": " + e.getMessage(), e);
        }
    }

    private static int vocabularySize(JsonNode root, Path tokenizerJson) throws IOException {
        int maxId = -1;
        JsonNode vocab = root.path("model").path("vocab");
        if (vocab.isObject()) {
            for (Iterator<JsonNode> it = vocab.elements(); it.hasNext(); ) {
                maxId = Math.max(maxId, it.next().asInt());
            }
        } else if (vocab.isArray()) {
            maxId = vocab.size() - 1; // Unigram: a list of [piece, score]
        } else {
            throw new IOException(
                    tokenizerJson + " has no model.vocab; is it a Hugging Face tokenizer.json?");
        }
        for (JsonNode added : root.path("added_tokens")) {
            maxId = Math.max(maxId, added.path("id").asInt());
        }
        return maxId + 1;
    }

    @Override
    public int[] encode(String text) {
        long[] ids = tokenizer.encode(text, false, false).getIds();
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = Math.toIntExact(ids[i]);
        }
        return out;
    }

    @Override
    public String decode(int[] ids) {
        long[] l = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= vocabSize) {
                throw new IllegalArgumentException(
                        "token id "
                                + ids[i]
                                + " is outside the vocabulary of "
                                + vocabSize
                                + " of "
                                + file);
            }
            l[i] = ids[i];
        }
        return tokenizer.decode(l, false);
    }

    @Override
    public int vocabSize() {
        return vocabSize;
    }

    @Override
    public OptionalInt eosId() {
        return eos;
    }

    @Override
    public String name() {
        return "huggingface " + file;
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
