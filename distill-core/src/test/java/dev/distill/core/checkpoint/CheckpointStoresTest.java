package dev.distill.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointStoresTest {
    @TempDir Path tmp;

    @Test
    void localStoreRoundTripsADirectoryThroughItsFileUri() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("run/v1"));
        URI uri = CheckpointStores.publishLocal(dir);
        assertEquals("file", uri.getScheme());
        assertEquals(dir.toAbsolutePath(), CheckpointStores.open(uri));
    }

    @Test
    void namesTheMissingStoreForAnUnknownScheme() {
        var e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> CheckpointStores.open(URI.create("s3://bucket/run/v1")));
        assertTrue(
                e.getMessage().contains("no checkpoint store for 's3'")
                        && e.getMessage().contains("available: [file"),
                e.getMessage());
    }

    @Test
    void saysWhenACheckpointDirectoryIsNotMounted() {
        var e =
                assertThrows(
                        IOException.class,
                        () -> CheckpointStores.open(tmp.resolve("absent").toUri()));
        assertTrue(e.getMessage().contains("volume mounted"), e.getMessage());
    }

    @Test
    void otherSchemesPlugIn() throws IOException {
        Path local = Files.createDirectories(tmp.resolve("cache/v2"));
        CheckpointStores.register(
                new CheckpointStore() {
                    @Override
                    public String scheme() {
                        return "mem";
                    }

                    @Override
                    public URI publish(Path localDir) {
                        return URI.create("mem://x/v2");
                    }

                    @Override
                    public Path open(URI uri) {
                        return local;
                    }
                });
        assertEquals(local, CheckpointStores.open(URI.create("mem://x/v2")));
    }
}
