package dev.distill.core.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two kinds of tokenizer.json that users' models ship, built here in Hugging Face's exact
 * format with a vocabulary small enough to derive every id by hand: byte-level BPE (GPT-2, OPT,
 * Llama 3, Qwen) and SentencePiece BPE converted to tokenizer.json (Llama 2, TinyLlama: "▁" for
 * spaces, byte fallback).
 */
class TokenizerKindsTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path tmp;

    /**
     * GPT-2's bytes_to_unicode: printable bytes map to themselves, the rest to 256 + n, in this
     * order.
     */
    static List<String> byteSymbols() {
        List<Integer> bs = new ArrayList<>();
        for (int b = 33; b <= 126; b++) {
            bs.add(b);
        }
        for (int b = 161; b <= 172; b++) {
            bs.add(b);
        }
        for (int b = 174; b <= 255; b++) {
            bs.add(b);
        }
        List<Integer> cs = new ArrayList<>(bs);
        int n = 0;
        for (int b = 0; b < 256; b++) {
            if (!bs.contains(b)) {
                bs.add(b);
                cs.add(256 + n++);
            }
        }
        String[] byByte = new String[256];
        for (int i = 0; i < 256; i++) {
            byByte[bs.get(i)] = new String(Character.toChars(cs.get(i)));
        }
        return List.of(byByte);
    }

    @Test
    void byteLevelBpeEncodesMergedWordsAndBytesAndRoundTrips() throws Exception {
        List<String> sym = byteSymbols();
        Map<String, Integer> vocab = new LinkedHashMap<>();
        for (int b = 0; b < 256; b++) {
            vocab.put(sym.get(b), b); // ids by byte value, for readable expectations
        }
        String[][] merges = {
            {"h", "e"},
            {"l", "l"},
            {"ll", "o"},
            {"he", "llo"},
            {"Ġ", "w"},
            {"o", "r"},
            {"Ġw", "or"},
            {"l", "d"},
            {"Ġwor", "ld"}
        };
        for (String[] m : merges) {
            vocab.put(m[0] + m[1], vocab.size());
        }
        ObjectNode model =
                JSON.createObjectNode()
                        .put("type", "BPE")
                        .putNull("dropout")
                        .putNull("unk_token")
                        .putNull("continuing_subword_prefix")
                        .putNull("end_of_word_suffix")
                        .put("fuse_unk", false)
                        .put("byte_fallback", false);
        model.set("vocab", JSON.valueToTree(vocab));
        ArrayNode mergeList = model.putArray("merges");
        for (String[] m : merges) {
            mergeList.add(m[0] + " " + m[1]);
        }
        ObjectNode byteLevel =
                JSON.createObjectNode()
                        .put("type", "ByteLevel")
                        .put("add_prefix_space", false)
                        .put("trim_offsets", true)
                        .put("use_regex", true);
        ObjectNode root =
                tokenizer(
                        model,
                        JSON.nullNode(),
                        byteLevel,
                        byteLevel,
                        List.of(Map.entry(vocab.size(), "<|end_of_text|>")));
        Path file = tmp.resolve("byte-level.json");
        Files.writeString(file, root.toString());

        try (HfTokenizer tok = HfTokenizer.load(file)) {
            int hello = vocab.get("hello");
            int world = vocab.get("Ġworld");
            // "é" is the bytes C3 A9: two byte symbols, unmerged.
            assertArrayEquals(
                    new int[] {hello, world, vocab.get("Ġ"), 0xC3, 0xA9},
                    tok.encode("hello world é"));
            assertEquals("hello world é", tok.decode(tok.encode("hello world é")));
            assertEquals(vocab.size() + 1, tok.vocabSize());
            assertEquals(vocab.size(), tok.eosId().orElseThrow());
        }
    }

    @Test
    void sentencePieceConvertedBpeMarksSpacesAndFallsBackToBytes() throws Exception {
        Map<String, Integer> vocab = new LinkedHashMap<>();
        vocab.put("<unk>", 0);
        vocab.put("<s>", 1);
        vocab.put("</s>", 2);
        for (int b = 0; b < 256; b++) {
            vocab.put(String.format("<0x%02X>", b), 3 + b);
        }
        for (String piece : List.of("▁", "h", "i", "t", "e", "r")) {
            vocab.put(piece, vocab.size());
        }
        String[][] merges = {
            {"▁", "h"},
            {"▁h", "i"},
            {"▁", "t"},
            {"h", "e"},
            {"r", "e"},
            {"▁t", "he"},
            {"▁the", "re"}
        };
        for (String[] m : merges) {
            vocab.put(m[0] + m[1], vocab.size());
        }
        ObjectNode model =
                JSON.createObjectNode()
                        .put("type", "BPE")
                        .putNull("dropout")
                        .put("unk_token", "<unk>")
                        .putNull("continuing_subword_prefix")
                        .putNull("end_of_word_suffix")
                        .put("fuse_unk", true)
                        .put("byte_fallback", true);
        model.set("vocab", JSON.valueToTree(vocab));
        ArrayNode mergeList = model.putArray("merges");
        for (String[] m : merges) {
            mergeList.add(m[0] + " " + m[1]);
        }
        ObjectNode normalizer = JSON.createObjectNode().put("type", "Sequence");
        normalizer
                .putArray("normalizers")
                .add(JSON.createObjectNode().put("type", "Prepend").put("prepend", "▁"))
                .add(replace(" ", "▁"));
        ObjectNode decoder = JSON.createObjectNode().put("type", "Sequence");
        decoder.putArray("decoders")
                .add(replace("▁", " "))
                .add(JSON.createObjectNode().put("type", "ByteFallback"))
                .add(JSON.createObjectNode().put("type", "Fuse"))
                .add(
                        JSON.createObjectNode()
                                .put("type", "Strip")
                                .put("content", " ")
                                .put("start", 1)
                                .put("stop", 0));
        ObjectNode root =
                tokenizer(
                        model,
                        normalizer,
                        JSON.nullNode(),
                        decoder,
                        List.of(Map.entry(0, "<unk>"), Map.entry(1, "<s>"), Map.entry(2, "</s>")));
        Path file = tmp.resolve("sentencepiece.json");
        Files.writeString(file, root.toString());

        try (HfTokenizer tok = HfTokenizer.load(file)) {
            assertArrayEquals(
                    new int[] {vocab.get("▁hi"), vocab.get("▁there")}, tok.encode("hi there"));
            byte[] e = "é".getBytes(StandardCharsets.UTF_8);
            assertArrayEquals(
                    new int[] {
                        vocab.get("▁hi"), vocab.get("▁"), 3 + (e[0] & 0xff), 3 + (e[1] & 0xff)
                    },
                    tok.encode("hi é"));
            assertEquals("hi there é", tok.decode(tok.encode("hi there é")));
            assertEquals(2, tok.eosId().orElseThrow());
        }
    }

    static ObjectNode replace(String pattern, String content) {
        ObjectNode n = JSON.createObjectNode().put("type", "Replace").put("content", content);
        n.putObject("pattern").put("String", pattern);
        return n;
    }

    static ObjectNode tokenizer(
            ObjectNode model,
            com.fasterxml.jackson.databind.JsonNode normalizer,
            com.fasterxml.jackson.databind.JsonNode preTokenizer,
            com.fasterxml.jackson.databind.JsonNode decoder,
            List<Map.Entry<Integer, String>> special) {
        ObjectNode root =
                JSON.createObjectNode()
                        .put("version", "1.0")
                        .putNull("truncation")
                        .putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        for (Map.Entry<Integer, String> s : special) {
            added.add(
                    JSON.createObjectNode()
                            .put("id", s.getKey())
                            .put("content", s.getValue())
                            .put("single_word", false)
                            .put("lstrip", false)
                            .put("rstrip", false)
                            .put("normalized", false)
                            .put("special", true));
        }
        root.set("normalizer", normalizer);
        root.set("pre_tokenizer", preTokenizer);
        root.putNull("post_processor");
        root.set("decoder", decoder);
        root.set("model", model);
        return root;
    }
}
