package dev.distill.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The trainer is a singleton, and the checkpoints it writes are where the scorers and the evaluator
 * look for them: checkpoint events carry file: URIs, so every reader must mount the same claim at
 * the same path.
 */
class StateAndVolumesTest {

    static List<String> overlays() {
        return Kustomize.overlays();
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void theTrainerRunsAsOneReplicaReplacedWithRecreateNeverRollingOverItself(String overlay) {
        Deployment trainer = Kustomize.overlay(overlay).deployment("trainer-student");
        assertEquals(1, trainer.getSpec().getReplicas(), overlay);
        assertNotNull(trainer.getSpec().getStrategy(), overlay);
        assertEquals("Recreate", trainer.getSpec().getStrategy().getType(), overlay);
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void theEvaluatorIsASingletonPerRunToo(String overlay) {
        Deployment evaluator = Kustomize.overlay(overlay).deployment("evaluator");
        assertEquals(
                1,
                evaluator.getSpec().getReplicas(),
                overlay + ": a fixed transactional id per run");
        assertEquals("Recreate", evaluator.getSpec().getStrategy().getType(), overlay);
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void checkpointsAreWrittenByTheTrainerAndReadAtTheSamePathByScorersAndEvaluator(
            String overlay) {
        Rendered r = Kustomize.overlay(overlay);
        Container trainer = Rendered.mainContainer(r.deployment("trainer-student"));
        String checkpointDir = r.environment(trainer).get("DISTILL_TRAINER_CHECKPOINT_DIR");
        assertNotNull(checkpointDir, "the trainer's checkpoint-dir is set explicitly");
        assertTrue(checkpointDir.startsWith("/"), "absolute: " + checkpointDir);

        Mounted written = mountAt(r.deployment("trainer-student"), checkpointDir);
        assertFalse(
                written.mount.getReadOnly() != null && written.mount.getReadOnly(),
                "the trainer writes");
        assertNotNull(written.volume.getPersistentVolumeClaim(), "checkpoints outlive the pod");
        String claim = written.volume.getPersistentVolumeClaim().getClaimName();
        r.get(PersistentVolumeClaim.class, claim);
        assertNotNull(
                r.deployment("trainer-student")
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getSecurityContext()
                        .getFsGroup(),
                "the non-root trainer can write the volume");

        for (String reader : List.of("producer-teacher", "evaluator")) {
            Mounted read = mountAt(r.deployment(reader), checkpointDir);
            assertEquals(
                    checkpointDir,
                    read.mount.getMountPath(),
                    reader + " mounts it where the URIs point");
            assertEquals(claim, read.volume.getPersistentVolumeClaim().getClaimName(), reader);
            assertEquals(
                    Boolean.TRUE, read.mount.getReadOnly(), reader + " only reads checkpoints");
            String store =
                    r.environment(Rendered.mainContainer(r.deployment(reader)))
                            .get(
                                    "DISTILL_"
                                            + (reader.equals("evaluator")
                                                    ? "EVALUATOR"
                                                    : "PRODUCER")
                                            + "_CHECKPOINT_STORE");
            assertEquals(
                    checkpointDir,
                    store,
                    reader + " opens checkpoints only inside the trainer's checkpoint-dir");
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void checkpointReadersRunAsTheTrainersUidBecauseCheckpointDirectoriesAreOwnerOnly(
            String overlay) {
        // Checkpoints.save renames a Files.createTempDirectory (mode 0700) into place: only its
        // owner can read it.
        String save =
                Sources.read(
                        Sources.root()
                                .resolve(
                                        "distill-core/src/main/java/dev/distill/core/checkpoint/Checkpoints.java"));
        assertTrue(
                save.contains("Files.createTempDirectory"),
                "Checkpoints.save changed: revisit this invariant");
        Rendered r = Kustomize.overlay(overlay);
        Long writer =
                r.deployment("trainer-student")
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getSecurityContext()
                        .getRunAsUser();
        assertNotNull(writer, "the trainer's uid is fixed");
        for (String reader : List.of("producer-teacher", "evaluator")) {
            assertEquals(
                    writer,
                    r.deployment(reader)
                            .getSpec()
                            .getTemplate()
                            .getSpec()
                            .getSecurityContext()
                            .getRunAsUser(),
                    overlay + ": " + reader);
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyModelPathAServiceIsGivenIsOnAVolumeItMountsReadOnly(String overlay) {
        Rendered r = Kustomize.overlay(overlay);
        Map<String, List<String>> pathSettings =
                Map.of(
                        "producer-teacher",
                                List.of(
                                        "DISTILL_PRODUCER_TEACHER_MODEL",
                                        "DISTILL_PRODUCER_INITIAL_STUDENT"),
                        "trainer-student", List.of("DISTILL_TRAINER_INITIAL_CHECKPOINT"),
                        "evaluator",
                                List.of(
                                        "DISTILL_EVALUATOR_HELD_OUT",
                                        "DISTILL_EVALUATOR_TOKENIZER_DIR",
                                        "DISTILL_EVALUATOR_TEACHER_MODEL"));
        pathSettings.forEach(
                (service, settings) -> {
                    Map<String, String> env =
                            r.environment(Rendered.mainContainer(r.deployment(service)));
                    for (String setting : settings) {
                        String path = env.get(setting);
                        assertNotNull(path, service + " " + setting);
                        Mounted m = mountAt(r.deployment(service), path);
                        assertEquals(
                                Boolean.TRUE,
                                m.mount.getReadOnly(),
                                service + ": " + setting + "=" + path);
                        assertNotNull(
                                m.volume.getPersistentVolumeClaim(), service + ": " + setting);
                    }
                });
    }

    @Test
    void prodVolumesCanBeMountedFromManyNodesWhileDevUsesSingleNodeVolumes() {
        for (String claim : List.of("distill-checkpoints", "distill-models")) {
            assertEquals(
                    List.of("ReadWriteMany"),
                    Kustomize.overlay("prod")
                            .get(PersistentVolumeClaim.class, claim)
                            .getSpec()
                            .getAccessModes(),
                    "scorers run on many nodes: " + claim);
            assertEquals(
                    List.of("ReadWriteOnce"),
                    Kustomize.overlay("dev")
                            .get(PersistentVolumeClaim.class, claim)
                            .getSpec()
                            .getAccessModes(),
                    claim);
        }
    }

    record Mounted(VolumeMount mount, Volume volume) {}

    /**
     * The mount whose path is the longest prefix of {@code path} in the Deployment's main
     * container.
     */
    static Mounted mountAt(Deployment d, String path) {
        PodSpec pod = d.getSpec().getTemplate().getSpec();
        Container c = Rendered.mainContainer(d);
        Optional<VolumeMount> best =
                PodChecks.mounts(c).stream()
                        .filter(
                                m ->
                                        path.equals(m.getMountPath())
                                                || path.startsWith(m.getMountPath() + "/"))
                        .max(
                                (a, b) ->
                                        Integer.compare(
                                                a.getMountPath().length(),
                                                b.getMountPath().length()));
        VolumeMount mount =
                best.orElseThrow(
                        () ->
                                new AssertionError(
                                        d.getMetadata().getName()
                                                + ": "
                                                + path
                                                + " is on no volume (the root filesystem is"
                                                + " read-only and holds no models)"));
        Volume volume =
                pod.getVolumes().stream()
                        .filter(v -> v.getName().equals(mount.getName()))
                        .findFirst()
                        .orElseThrow();
        return new Mounted(mount, volume);
    }

    /**
     * A registry that forgets its schemas on a restart hands their content ids out again, and
     * records already on the topics are then read with another schema: every overlay keeps them.
     */
    @ParameterizedTest
    @MethodSource("overlays")
    void theRegistryKeepsItsSchemasAcrossARestart(String overlay) {
        Rendered r = Kustomize.overlay(overlay);
        Deployment registry = r.deployment("apicurio-registry");
        Map<String, String> env = r.environment(Rendered.mainContainer(registry));
        if ("kafkasql".equals(env.get("APICURIO_STORAGE_KIND"))) {
            assertNotNull(env.get("APICURIO_KAFKASQL_BOOTSTRAP_SERVERS"), overlay);
            return;
        }
        String url = env.get("APICURIO_DATASOURCE_URL");
        assertNotNull(
                url, overlay + ": neither kafkasql nor a datasource: the default is in memory");
        assertTrue(url.startsWith("jdbc:h2:file:/"), overlay + ": " + url);
        // H2's default writes a commit up to 500 ms late: a crash then forgets a schema in use.
        assertTrue(url.contains(";WRITE_DELAY=0"), overlay + ": " + url);
        String file = url.substring("jdbc:h2:file:".length()).split(";")[0];
        Mounted data = mountAt(registry, file.substring(0, file.lastIndexOf('/')));
        assertNotNull(
                data.volume.getPersistentVolumeClaim(),
                overlay + ": the database outlives the pod");
        r.get(PersistentVolumeClaim.class, data.volume.getPersistentVolumeClaim().getClaimName());
        assertEquals(1, registry.getSpec().getReplicas(), overlay + ": one writer of the claim");
        assertEquals("Recreate", registry.getSpec().getStrategy().getType(), overlay);
    }
}
