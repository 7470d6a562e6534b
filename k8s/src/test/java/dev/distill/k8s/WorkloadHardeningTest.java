package dev.distill.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every pod the overlays run is hardened, probed, bounded in resources and runs a pinned image. */
class WorkloadHardeningTest {

    static List<String> overlays() {
        return Kustomize.overlays();
    }

    /** Every Deployment's and Job's pod. */
    private static List<String> everyPod(
            String overlay, BiFunction<String, PodSpec, List<String>> check) {
        List<String> problems = everyServingPod(overlay, check);
        for (Job j : Kustomize.overlay(overlay).all(Job.class)) {
            problems.addAll(
                    check.apply(
                            overlay + ":" + j.getMetadata().getName(),
                            j.getSpec().getTemplate().getSpec()));
        }
        return problems;
    }

    /** Every Deployment's pod (a Job's pod runs to completion and has no probes). */
    private static List<String> everyServingPod(
            String overlay, BiFunction<String, PodSpec, List<String>> check) {
        List<String> problems = new ArrayList<>();
        for (Deployment d : Kustomize.overlay(overlay).all(Deployment.class)) {
            problems.addAll(
                    check.apply(
                            overlay + ":" + d.getMetadata().getName(),
                            d.getSpec().getTemplate().getSpec()));
        }
        return problems;
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyContainerRunsNonRootReadOnlyWithoutPrivilegesOrCapabilitiesUnderRuntimeDefaultSeccomp(
            String overlay) {
        assertEquals(List.of(), everyPod(overlay, PodChecks::hardening));
    }

    @Test
    void theHardeningCheckCatchesAContainerThatIsNotHardened() {
        Deployment d = Kustomize.overlay("dev").deployment("trainer-student");
        PodSpec pod = d.getSpec().getTemplate().getSpec();
        assertEquals(List.of(), PodChecks.hardening("trainer", pod));

        Deployment broken =
                Kustomize.overlay("dev").deployment("trainer-student").toBuilder().build();
        PodSpec brokenPod = broken.getSpec().getTemplate().getSpec();
        Container c =
                brokenPod.getContainers().get(0).toBuilder()
                        .editSecurityContext()
                        .withReadOnlyRootFilesystem(false)
                        .withAllowPrivilegeEscalation(null)
                        .withNewCapabilities()
                        .withAdd("NET_ADMIN")
                        .endCapabilities()
                        .withRunAsNonRoot(null)
                        .withSeccompProfile(null)
                        .endSecurityContext()
                        .build();
        brokenPod =
                brokenPod.toBuilder()
                        .withContainers(c)
                        .editSecurityContext()
                        .withRunAsNonRoot(null)
                        .withSeccompProfile(null)
                        .endSecurityContext()
                        .build();

        List<String> problems = PodChecks.hardening("trainer", brokenPod);
        assertEquals(6, problems.size(), problems.toString());
        for (String expected :
                List.of(
                        "runAsNonRoot",
                        "readOnlyRootFilesystem",
                        "allowPrivilegeEscalation",
                        "drop ALL",
                        "NET_ADMIN",
                        "seccomp")) {
            assertTrue(
                    problems.stream().anyMatch(p -> p.contains(expected)),
                    expected + " not reported: " + problems);
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyContainerWithAReadOnlyRootHasAWritableBoundedTmpVolume(String overlay) {
        assertEquals(List.of(), everyPod(overlay, PodChecks::writableTmp));
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyContainerHasLivenessAndReadinessProbes(String overlay) {
        assertEquals(List.of(), everyServingPod(overlay, PodChecks::probed));
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void theServicesAreProbedOnTheirQuarkusHealthEndpointsOnTheirConfiguredHttpPort(
            String overlay) {
        Rendered r = Kustomize.overlay(overlay);
        List<String> problems = new ArrayList<>();
        for (String service : Sources.SERVICES) {
            Container c = Rendered.mainContainer(r.deployment(service));
            problems.addAll(
                    PodChecks.quarkusHealthProbes(
                            overlay + ":" + service, c, Sources.httpPort(service)));
            if (c.getStartupProbe() == null) {
                problems.add(
                        service
                                + ": no startup probe (model loading would trip the liveness"
                                + " probe)");
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void theProbeCheckCatchesAProbeOnTheWrongPathOrPort() {
        Container c = Rendered.mainContainer(Kustomize.overlay("dev").deployment("evaluator"));
        Container wrong =
                c.toBuilder()
                        .editLivenessProbe()
                        .editHttpGet()
                        .withPath("/health/live")
                        .endHttpGet()
                        .endLivenessProbe()
                        .editReadinessProbe()
                        .editHttpGet()
                        .withNewPort(9999)
                        .endHttpGet()
                        .endReadinessProbe()
                        .build();
        List<String> problems =
                PodChecks.quarkusHealthProbes("evaluator", wrong, Sources.httpPort("evaluator"));
        assertEquals(2, problems.size(), problems.toString());
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyContainerHasCpuAndMemoryRequestsAndLimits(String overlay) {
        assertEquals(List.of(), everyPod(overlay, PodChecks::resources));
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void theKafkaNodesAndTheTopicOperatorHaveRequestsAndLimitsToo(String overlay) {
        Rendered r = Kustomize.overlay(overlay);
        List<String> problems = new ArrayList<>();
        for (KafkaNodePool pool : r.all(KafkaNodePool.class)) {
            problems.addAll(
                    PodChecks.resources(
                            "node pool " + pool.getMetadata().getName(),
                            pool.getSpec().getResources()));
        }
        problems.addAll(
                PodChecks.resources(
                        "topic operator",
                        r.kafka().getSpec().getEntityOperator().getTopicOperator().getResources()));
        assertEquals(List.of(), problems);
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyImageIsPinnedToAVersion(String overlay) {
        assertEquals(List.of(), everyPod(overlay, PodChecks::pinnedImages));
        String kafkaVersion = Kustomize.overlay(overlay).kafka().getSpec().getKafka().getVersion();
        assertTrue(
                kafkaVersion != null && kafkaVersion.matches("\\d+\\.\\d+\\.\\d+"),
                "Kafka version pinned: " + kafkaVersion);
    }

    @Test
    void theImageCheckRejectsLatestUntaggedAndNonVersionTags() {
        for (String bad :
                List.of(
                        "distill/evaluator",
                        "distill/evaluator:latest",
                        "distill/evaluator:main",
                        "registry:5000/distill/evaluator",
                        "quay.io/apicurio/apicurio-registry:latest-release")) {
            assertEquals(1, PodChecks.pinnedImage("c", bad).size(), bad);
        }
        for (String good :
                List.of(
                        "distill/evaluator:0.1.0",
                        "registry:5000/distill/evaluator:0.1.0",
                        "quay.io/apicurio/apicurio-registry:3.0.9",
                        "ubi9/openjdk-17-runtime:1.23",
                        "distill/evaluator@sha256:" + "a".repeat(64))) {
            assertEquals(List.of(), PodChecks.pinnedImage("c", good), good);
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyWorkloadHasItsOwnServiceAccountWithoutAnApiToken(String overlay) {
        Rendered r = Kustomize.overlay(overlay);
        List<String> accounts = new ArrayList<>();
        for (Deployment d : r.all(Deployment.class)) {
            PodSpec pod = d.getSpec().getTemplate().getSpec();
            String sa = pod.getServiceAccountName();
            assertNotEquals(null, sa, d.getMetadata().getName());
            assertNotEquals("default", sa, d.getMetadata().getName());
            assertEquals(
                    Boolean.FALSE,
                    pod.getAutomountServiceAccountToken(),
                    d.getMetadata().getName());
            ServiceAccount account = r.get(ServiceAccount.class, sa);
            assertEquals(Boolean.FALSE, account.getAutomountServiceAccountToken(), sa);
            accounts.add(sa);
        }
        assertEquals(
                accounts.size(),
                accounts.stream().distinct().count(),
                "shared service accounts: " + accounts);
        assertFalse(accounts.isEmpty());
    }
}
