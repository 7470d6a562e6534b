package dev.distill.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.distill.core.TestModels;
import dev.distill.core.model.CausalLm;
import dev.distill.core.model.GptConfig;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointsTest {
    static NDManager root;
    static CausalLm model;

    @TempDir Path tmp;

    @BeforeAll
    static void setUp() {
        root = NDManager.newBaseManager();
        model = CausalLm.create(TestModels.tiny(), root, 5);
    }

    @AfterAll
    static void tearDown() {
        model.close();
        root.close();
    }

    private Path saved(String name) throws IOException {
        Path dir = tmp.resolve(name);
        Checkpoints.save(model, null, CheckpointManifest.of(3, 2L, 40, 7L, "cfg", null), dir);
        return dir;
    }

    @Test
    void roundTripsWeightsManifestAndLogits() throws IOException {
        Path dir = saved("ckpt");
        int[] tokens = {1, 5, 9, 2};
        try (Checkpoints.Loaded loaded = Checkpoints.load(dir, root)) {
            CheckpointManifest m = loaded.manifest().orElseThrow();
            assertEquals(3, m.version());
            assertEquals(2L, m.parentVersion());
            assertEquals(40, m.step());
            assertEquals(CheckpointManifest.FORMAT_VERSION, m.formatVersion());
            float[][] a = TestModels.logits(model, tokens);
            float[][] b = TestModels.logits(loaded.model(), tokens);
            for (int t = 0; t < tokens.length; t++) {
                assertArrayEquals(a[t], b[t], 0f);
            }
        }
    }

    @Test
    void savesWeightsInHuggingFaceConv1dLayout() throws IOException {
        Map<String, Tensor> file = SafeTensors.read(saved("hf").resolve(Checkpoints.WEIGHTS));
        int c = TestModels.tiny().nEmbd();
        assertArrayEquals(new long[] {c, 3L * c}, file.get("h.0.attn.c_attn.weight").shape());
        assertArrayEquals(new long[] {c, 4L * c}, file.get("h.0.mlp.c_fc.weight").shape());
        assertFalse(file.containsKey("lm_head.weight"), "a tied head is stored once, as wte");
    }

    @Test
    void writingTheSameWeightsTwiceGivesTheSameBytes() throws IOException {
        assertEquals(
                Checkpoints.sha256(saved("x").resolve(Checkpoints.WEIGHTS)),
                Checkpoints.sha256(saved("y").resolve(Checkpoints.WEIGHTS)));
    }

    @Test
    void rejectsCheckpointWithWrongHash() throws IOException {
        Path dir = saved("tampered");
        try (RandomAccessFile f =
                new RandomAccessFile(dir.resolve(Checkpoints.WEIGHTS).toFile(), "rw")) {
            f.seek(f.length() - 1);
            f.write(f.read() ^ 0x55);
        }
        var e = assertThrows(IOException.class, () -> Checkpoints.load(dir, root));
        assertTrue(e.getMessage().contains("SHA-256"), e.getMessage());
    }

    @Test
    void rejectsTruncatedWeightsFile() throws IOException {
        Path dir = saved("truncated");
        Files.delete(
                dir.resolve(
                        Checkpoints.MANIFEST)); // so the size check, not the hash, must catch it
        try (RandomAccessFile f =
                new RandomAccessFile(dir.resolve(Checkpoints.WEIGHTS).toFile(), "rw")) {
            f.setLength(f.length() - 100);
        }
        var e = assertThrows(IOException.class, () -> Checkpoints.load(dir, root));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void rejectsWeightsThatDoNotMatchTheConfig() throws IOException {
        Path dir = saved("wrongshape");
        Files.delete(dir.resolve(Checkpoints.MANIFEST));
        GptConfig c = TestModels.tiny();
        new GptConfig(
                        c.vocabSize() + 1,
                        c.nPositions(),
                        c.nEmbd(),
                        c.nLayer(),
                        c.nHead(),
                        null,
                        1e-5,
                        true,
                        null)
                .write(dir.resolve(Checkpoints.CONFIG));
        var e = assertThrows(IOException.class, () -> Checkpoints.load(dir, root));
        assertTrue(
                e.getMessage().contains("wte.weight is [32, 32], config.json implies [33, 32]"),
                e.getMessage());
    }

    @Test
    void rejectsMissingAndUnexpectedTensorsByName() throws IOException {
        Path dir = saved("renamed");
        Files.delete(dir.resolve(Checkpoints.MANIFEST));
        Map<String, Tensor> file =
                new java.util.LinkedHashMap<>(SafeTensors.read(dir.resolve(Checkpoints.WEIGHTS)));
        file.put("h.0.attn.c_attn.weightx", file.remove("h.0.attn.c_attn.weight"));
        SafeTensors.write(dir.resolve(Checkpoints.WEIGHTS), file);
        var e = assertThrows(IOException.class, () -> Checkpoints.load(dir, root));
        assertTrue(
                e.getMessage()
                        .contains(
                                "missing [h.0.attn.c_attn.weight], unexpected"
                                        + " [h.0.attn.c_attn.weightx]"),
                e.getMessage());
    }

    @Test
    void rejectsAnUnknownFormatVersion() throws IOException {
        Path dir = saved("future");
        ObjectMapper json = new ObjectMapper();
        ObjectNode m = (ObjectNode) json.readTree(dir.resolve(Checkpoints.MANIFEST).toFile());
        m.put("format_version", 99);
        json.writeValue(dir.resolve(Checkpoints.MANIFEST).toFile(), m);
        var e = assertThrows(IOException.class, () -> Checkpoints.load(dir, root));
        assertTrue(e.getMessage().contains("format_version 99"), e.getMessage());
    }

    @Test
    void refusesToOverwriteAnExistingCheckpoint() throws IOException {
        Path dir = saved("once");
        assertThrows(
                IOException.class,
                () ->
                        Checkpoints.save(
                                model,
                                null,
                                CheckpointManifest.of(1, null, 1, null, null, null),
                                dir));
    }

    @Test
    void readsHalfPrecisionSafetensors() throws IOException {
        // 1.0, -2.0, 0.5 in IEEE half precision
        Path f = tmp.resolve("half.safetensors");
        String header = "{\"x\":{\"dtype\":\"F16\",\"shape\":[3],\"data_offsets\":[0,6]}}";
        java.nio.ByteBuffer b =
                java.nio.ByteBuffer.allocate(8 + header.length() + 6)
                        .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putLong(header.length())
                .put(header.getBytes())
                .putShort((short) 0x3C00)
                .putShort((short) 0xC000)
                .putShort((short) 0x3800);
        Files.write(f, b.array());
        assertArrayEquals(new float[] {1f, -2f, 0.5f}, SafeTensors.read(f).get("x").data(), 0f);
    }

    @Test
    void loadVerifiedRefusesWeightsOtherThanAnnouncedBeforeParsingAnything() throws IOException {
        Path dir = saved("announced");
        String sha = Checkpoints.sha256(dir.resolve(Checkpoints.WEIGHTS));
        try (Checkpoints.Loaded ok = Checkpoints.loadVerified(dir, sha, root)) {
            assertEquals(sha, ok.manifest().orElseThrow().weightsSha256());
        }
        // An unparseable config: only a check that comes first can name the hash.
        Files.writeString(dir.resolve(Checkpoints.CONFIG), "{ not json");
        var e =
                assertThrows(
                        CheckpointRefusedException.class,
                        () -> Checkpoints.loadVerified(dir, "0".repeat(64), root));
        assertTrue(
                e.getMessage().contains("has weights " + sha + " but was announced with 0000"),
                e.getMessage());
    }

    private Path safetensors(String name, long headerLength, byte[] header, int dataBytes)
            throws IOException {
        Path f = tmp.resolve(name);
        java.nio.ByteBuffer b =
                java.nio.ByteBuffer.allocate(8 + header.length + dataBytes)
                        .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putLong(headerLength).put(header);
        Files.write(f, b.array());
        return f;
    }

    @Test
    void refusesAHeaderLengthBeyondTheFileOrAbsurdBeforeAllocatingIt() throws IOException {
        byte[] header = "{}".getBytes();
        for (long claimed : new long[] {1L << 40, Long.MAX_VALUE, -8, 0}) {
            Path f = safetensors("claims-" + claimed + ".safetensors", claimed, header, 0);
            var e = assertThrows(IOException.class, () -> SafeTensors.read(f));
            assertTrue(
                    e.getMessage().contains("is not plausible"), claimed + ": " + e.getMessage());
        }
        Path f = safetensors("longer.safetensors", 1000, header, 0);
        var e = assertThrows(IOException.class, () -> SafeTensors.read(f));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void refusesAShapeWhoseSizeOverflows() throws IOException {
        // 2^32 * 2^32 elements wraps to 0 in a long, which would match 0 data bytes.
        byte[] header =
                "{\"x\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,0]}}"
                        .getBytes();
        Path f = safetensors("overflow.safetensors", header.length, header, 0);
        var e = assertThrows(IOException.class, () -> SafeTensors.read(f));
        assertTrue(e.getMessage().contains("too many elements"), e.getMessage());
    }
}
