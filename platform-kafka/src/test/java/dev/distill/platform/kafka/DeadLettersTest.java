package dev.distill.platform.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distill.schemas.avro.DeadLetter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

class DeadLettersTest {
    static int encodedSize(DeadLetter d) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder e = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<>(DeadLetter.class).write(d, e);
        e.flush();
        return out.size();
    }

    @Test
    void keepsASmallPayloadWholeAndUnmarked() {
        byte[] payload = {1, 2, 3};
        DeadLetter d =
                DeadLetters.of("t", 0, 5, "k", payload, new IllegalArgumentException("bad"), "svc");
        assertEquals(3, d.getPayload().remaining());
        assertNull(d.getPayloadSize());
        assertEquals("bad", d.getError());
    }

    @Test
    void boundsAnOversizePayloadKeyAndErrorSoTheDeadLetterFitsARecord() throws IOException {
        byte[] payload = new byte[5 * 1024 * 1024];
        Arrays.fill(payload, (byte) 7);
        String key = "k".repeat(100_000);
        String error = "x".repeat(1_000_000);
        DeadLetter d =
                DeadLetters.of("t", 0, 5, key, payload, new IllegalStateException(error), "svc");
        assertEquals(DeadLetters.MAX_PAYLOAD_BYTES, d.getPayload().remaining());
        assertEquals(
                5L * 1024 * 1024,
                d.getPayloadSize(),
                "truncation is marked with the original size");
        assertEquals(DeadLetters.MAX_KEY_BYTES, d.getKey().remaining());
        assertTrue(d.getError().endsWith("... (1000000 characters)"), d.getError().substring(3990));
        assertTrue(
                encodedSize(d) < 300 * 1024, "under the broker's 1 MiB default: " + encodedSize(d));
    }
}
