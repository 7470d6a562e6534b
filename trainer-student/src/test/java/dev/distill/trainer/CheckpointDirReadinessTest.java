package dev.distill.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The DOWN path cannot be reached through the running app without breaking its config, so test it
 * directly.
 */
class CheckpointDirReadinessTest {

    @Test
    void missingDirectoryIsDown(@TempDir Path tmp) {
        HealthCheckResponse r = CheckpointDirReadiness.check(tmp.resolve("absent"));
        assertEquals(HealthCheckResponse.Status.DOWN, r.getStatus());
        assertEquals("directory does not exist", r.getData().orElseThrow().get("reason"));
    }

    @Test
    void writableDirectoryIsUp(@TempDir Path tmp) {
        assertEquals(HealthCheckResponse.Status.UP, CheckpointDirReadiness.check(tmp).getStatus());
    }
}
