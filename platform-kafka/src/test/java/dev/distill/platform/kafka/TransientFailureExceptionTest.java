package dev.distill.platform.kafka;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.kiota.ApiExceptionBuilder;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;

class TransientFailureExceptionTest {
    static RuntimeException registryAnswered(int status) {
        return new RuntimeException(
                "wrapped by the serde",
                new ApiExceptionBuilder().withResponseStatusCode(status).build());
    }

    @Test
    void aRegistryThatFailsOrIsBusyIsTransient() {
        assertTrue(TransientFailureException.isTransient(registryAnswered(503)));
        assertTrue(TransientFailureException.isTransient(registryAnswered(500)));
        assertTrue(TransientFailureException.isTransient(registryAnswered(429)));
        assertTrue(
                TransientFailureException.isTransient(
                        new RuntimeException(new ConnectException("refused"))));
    }

    @Test
    void aSchemaIdTheRegistryDoesNotHaveIsTheRecordsFault() {
        assertFalse(TransientFailureException.isTransient(registryAnswered(404)));
        assertFalse(TransientFailureException.isTransient(registryAnswered(400)));
        assertFalse(TransientFailureException.isTransient(new IllegalArgumentException("bad")));
    }
}
