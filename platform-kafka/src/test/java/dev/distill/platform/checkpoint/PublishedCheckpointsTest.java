package dev.distill.platform.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.distill.core.checkpoint.CheckpointManifest;
import dev.distill.core.checkpoint.CheckpointRefusedException;
import dev.distill.core.checkpoint.CheckpointStore;
import dev.distill.core.checkpoint.Checkpoints;
import dev.distill.core.model.CausalLm;
import dev.distill.core.model.GptConfig;
import dev.distill.schemas.avro.CheckpointEvent;
import dev.distill.schemas.avro.ModelConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attack an adversarial run found: a checkpoint event pointing at the teacher's directory, with
 * the teacher's true hash, was loaded as the student (scored best, sampled with).
 */
class PublishedCheckpointsTest {
    @TempDir static Path tmp;
    static NDManager root;
    static Path teacher;
    static Path student;
    static CheckpointStore store;

    @BeforeAll
    static void models() throws IOException {
        root = NDManager.newBaseManager();
        teacher = save(tmp.resolve("models/teacher"), 1);
        student = save(tmp.resolve("checkpoints/run/v1"), 2);
        store = CheckpointStore.at(tmp.resolve("checkpoints"));
    }

    @AfterAll
    static void close() {
        root.close();
    }

    static Path save(Path dir, long seed) throws IOException {
        try (CausalLm m =
                CausalLm.create(
                        new GptConfig(12, 16, 8, 1, 2, null, 1e-5, true, 11).toModelConfig(),
                        root,
                        seed)) {
            Checkpoints.save(m, null, CheckpointManifest.of(1, null, 0, seed, null, null), dir);
        }
        return dir;
    }

    static CheckpointEvent event(String uri, Path weightsOf) throws IOException {
        return CheckpointEvent.newBuilder()
                .setRunId("run")
                .setVersion(1)
                .setStep(1)
                .setUri(uri)
                .setSha256(Checkpoints.sha256(weightsOf.resolve(Checkpoints.WEIGHTS)))
                .setSizeBytes(1)
                .setModelConfig(new ModelConfig(12, 16, 8, 1, 2, "gpt2", null))
                .setParentVersion(0L)
                .setLineage(List.of())
                .setConfigHash("x")
                .setSeed(2)
                .setTrainMetrics(Map.of())
                .setCreatedAt(Instant.now())
                .build();
    }

    static String refusal(CheckpointEvent e) {
        return assertThrows(
                        CheckpointRefusedException.class,
                        () -> PublishedCheckpoints.loadVerified(e, store, root))
                .getMessage();
    }

    @Test
    void loadsTheTrainersCheckpointFromInsideTheStore() throws IOException {
        try (Checkpoints.Loaded s =
                PublishedCheckpoints.loadVerified(
                        event(student.toUri().toString(), student), store, root)) {
            assertEquals(student.toRealPath(), s.dir());
        }
    }

    @Test
    void refusesTheTeacherThroughDotDotWithItsTrueHash() throws IOException {
        String uri = tmp.resolve("checkpoints").toUri() + "run/../../models/teacher";
        String why = refusal(event(uri, teacher));
        assertTrue(why.startsWith("checkpoint v1 of run run: "), why);
        assertTrue(why.contains("contains '..'"), why);
    }

    @Test
    void refusesTheTeacherByItsOwnPathAndThroughASymlink() throws IOException {
        assertTrue(
                refusal(event(teacher.toUri().toString(), teacher))
                        .contains("outside the checkpoint store"));
        Path link = Files.createSymbolicLink(tmp.resolve("checkpoints/run/v2"), teacher);
        assertTrue(
                refusal(event(link.toUri().toString(), teacher))
                        .contains("a symbolic link leads outside"));
    }

    @Test
    void refusesWeightsThatAreNotTheAnnouncedOnes() throws IOException {
        assertTrue(
                refusal(event(student.toUri().toString(), teacher))
                        .contains("but was announced with"));
    }

    @Test
    void refusesAMalformedUri() throws IOException {
        assertTrue(refusal(event("file:///a b", student)).contains("is not a URI"));
    }

    @Test
    void refusesAnotherVersionsDirectoryWithItsTrueHash() throws IOException {
        CheckpointEvent v3 =
                CheckpointEvent.newBuilder(event(student.toUri().toString(), student))
                        .setVersion(3)
                        .setParentVersion(2L)
                        .build();
        String why = refusal(v3);
        assertTrue(why.contains("is not where the trainer writes this checkpoint"), why);
        assertTrue(why.contains("run/v3"), why);
    }

    @Test
    void refusesARunIdThatIsNotADirectoryName() throws IOException {
        CheckpointEvent e =
                CheckpointEvent.newBuilder(event(student.toUri().toString(), student))
                        .setRunId("../models")
                        .build();
        assertThrows(IOException.class, () -> PublishedCheckpoints.loadVerified(e, store, root));
    }
}
