package dev.distill.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointStoreTest {
    @TempDir Path tmp;
    Path storeRoot;
    Path teacher;
    CheckpointStore store;

    @BeforeEach
    void layout() throws IOException {
        storeRoot = Files.createDirectories(tmp.resolve("checkpoints"));
        teacher = Files.createDirectories(tmp.resolve("models/teacher"));
        Files.writeString(teacher.resolve("model.safetensors"), "teacher weights");
        store = CheckpointStore.at(storeRoot);
    }

    private String refusal(String uri) {
        return refusal(URI.create(uri));
    }

    private String refusal(URI uri) {
        return assertThrows(CheckpointRefusedException.class, () -> store.open(uri)).getMessage();
    }

    @Test
    void opensWhatTheTrainerPublishedInsideTheStore() throws IOException {
        Path v1 = Files.createDirectories(storeRoot.resolve("run/v000001"));
        URI uri = store.publish(v1);
        assertEquals("file", uri.getScheme());
        assertEquals(v1.toRealPath(), store.open(uri));
    }

    @Test
    void refusesDotDotEvenWhenItEndsUpInsideTheStore() throws IOException {
        Files.createDirectories(storeRoot.resolve("run/v1"));
        String base = storeRoot.toUri().toString();
        assertTrue(refusal(base + "run/../../models/teacher").contains("contains '..'"));
        assertTrue(refusal(base + "run/../run/v1").contains("contains '..'"));
        assertTrue(refusal(base + "run/%2E%2E/%2e%2e/models/teacher").contains("contains '..'"));
        assertTrue(refusal(base + "run/v1/.%2e").contains("contains '..'"));
    }

    @Test
    void refusesOtherRootsAndTheStoreItself() {
        assertTrue(refusal(teacher.toUri()).contains("outside the checkpoint store"));
        assertTrue(refusal(storeRoot.toUri()).contains("outside the checkpoint store"));
        assertTrue(
                refusal(tmp.resolve("checkpoints-evil/v1").toUri())
                        .contains("outside the checkpoint store"),
                "a sibling whose name starts like the store is not in it");
    }

    @Test
    void refusesUnknownSchemesRelativeUrisAndHosts() {
        assertTrue(refusal("s3://bucket/run/v1").contains("not s3:"));
        assertTrue(refusal("http://example.com/v1").contains("not http:"));
        assertTrue(refusal("run/v1").contains("not a relative URI"));
        assertTrue(refusal("file://otherhost/var/lib/distill/checkpoints/v1").contains("no host"));
    }

    @Test
    void refusesASymlinkedDirectoryThatLeavesTheStore() throws IOException {
        Files.createSymbolicLink(storeRoot.resolve("v1000"), teacher);
        assertTrue(
                refusal(storeRoot.resolve("v1000").toUri())
                        .contains("a symbolic link leads outside the checkpoint store"));
    }

    @Test
    void refusesAFileInsideThatLinksOut() throws IOException {
        Path v2 = Files.createDirectories(storeRoot.resolve("run/v2"));
        Files.createSymbolicLink(
                v2.resolve("model.safetensors"), teacher.resolve("model.safetensors"));
        String why = refusal(v2.toUri());
        assertTrue(why.contains("[model.safetensors]") && why.contains("lead outside"), why);
    }

    @Test
    void followsLinksThatStayInsideTheStore() throws IOException {
        Path v1 = Files.createDirectories(storeRoot.resolve("run/v1"));
        Files.writeString(v1.resolve("model.safetensors"), "student");
        Path v2 = Files.createDirectories(storeRoot.resolve("run/v2"));
        Files.createSymbolicLink(v2.resolve("model.safetensors"), v1.resolve("model.safetensors"));
        assertEquals(v2.toRealPath(), store.open(v2.toUri()));
    }

    @Test
    void saysWhenAnAllowedDirectoryIsNotMounted() {
        IOException e =
                assertThrows(
                        IOException.class, () -> store.open(storeRoot.resolve("absent").toUri()));
        assertTrue(e.getMessage().contains("volume mounted"), e.getMessage());
    }

    @Test
    void publishesOnlyInsideTheStore() {
        IOException e = assertThrows(IOException.class, () -> store.publish(teacher));
        assertTrue(e.getMessage().contains("not inside the checkpoint store"), e.getMessage());
    }

    @Test
    void seesThroughALinkToTheTeacherWhenAskedWhetherItIsInside() throws IOException {
        Path link = Files.createSymbolicLink(tmp.resolve("teacher-link"), teacher);
        assertTrue(!store.contains(link));
        Path inside = Files.createSymbolicLink(tmp.resolve("to-store"), storeRoot);
        assertTrue(store.contains(inside.resolve(".")));
        Files.createSymbolicLink(storeRoot.resolve("teacher"), teacher);
        assertTrue(!store.contains(teacher), "the teacher is not in the store");
        assertTrue(store.contains(storeRoot.resolve("run")), "a path not yet created");
    }
}
