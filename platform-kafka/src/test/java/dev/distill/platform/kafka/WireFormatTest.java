package dev.distill.platform.kafka;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class WireFormatTest {
    @Test
    void refusesUnframedValuesNamingWhatItSaw() {
        assertEquals(
                "record has no value",
                assertThrows(IllegalArgumentException.class, () -> WireFormat.requireFramed(null))
                        .getMessage());
        String json =
                assertThrows(
                                IllegalArgumentException.class,
                                () -> WireFormat.requireFramed("{\"id\":1}".getBytes()))
                        .getMessage();
        assertEquals(
                "value is not in the Confluent wire format (magic byte 0, 4-byte schema id, Avro):"
                        + " 8 bytes starting with 0x7b",
                json);
        assertThrows(
                IllegalArgumentException.class,
                () -> WireFormat.requireFramed(new byte[] {0, 0, 0, 1}));
        assertDoesNotThrow(() -> WireFormat.requireFramed(new byte[] {0, 0, 0, 0, 1, 2}));
    }
}
