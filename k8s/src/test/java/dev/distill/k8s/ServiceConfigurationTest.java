package dev.distill.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distill.platform.kafka.KafkaConnection;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.strimzi.api.kafka.model.kafka.listener.GenericKafkaListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The services get settings they actually read, pointing at what the overlay deploys. SmallRye
 * silently ignores an environment variable that names no property, so a misspelt DISTILL_* variable
 * would otherwise pass unseen.
 */
class ServiceConfigurationTest {

    /** Variables read by the image rather than by Quarkus (ubi9 run-java.sh, DJL, OpenMP). */
    static final Set<String> IMAGE_VARIABLES =
            Set.of(
                    "JAVA_MAX_MEM_RATIO",
                    "JAVA_INITIAL_MEM_RATIO",
                    "JAVA_OPTS_APPEND",
                    "JAVA_OPTIONS",
                    "DJL_CACHE_DIR",
                    "ENGINE_CACHE_DIR",
                    "DJL_OFFLINE",
                    "OMP_NUM_THREADS",
                    "OMP_WAIT_POLICY");

    /**
     * What each service refuses to start without (ProducerSettings.problem, EvaluatorService,
     * TrainerLoop).
     */
    static final Map<String, List<String>> REQUIRED =
            Map.of(
                    "producer-teacher",
                            List.of(
                                    "distill.producer.teacher-model",
                                    "distill.producer.initial-student",
                                    "distill.producer.checkpoint-store"),
                    "trainer-student", List.of("distill.trainer.initial-checkpoint"),
                    "evaluator",
                            List.of(
                                    "distill.evaluator.held-out",
                                    "distill.evaluator.checkpoint-store"));

    static List<String> overlays() {
        return Kustomize.overlays();
    }

    private static Map<String, String> env(Rendered r, String service) {
        return r.environment(Rendered.mainContainer(r.deployment(service)));
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyVariableGivenToAServiceNamesOneOfItsPropertiesOrAnImageSetting(String overlay) {
        Rendered r = Kustomize.overlay(overlay);
        List<String> unknown = new ArrayList<>();
        for (String service : Sources.SERVICES) {
            Set<String> known = new TreeSet<>(IMAGE_VARIABLES);
            Sources.mappedProperties(service).forEach(p -> known.add(Sources.envName(p)));
            // the Kafka client security settings every service passes through (KafkaConnection)
            KafkaConnection.SECURITY_KEYS.forEach(k -> known.add(Sources.envName("kafka." + k)));
            // where settings are read one per file (smallrye-config-source-file-system)
            known.add("SMALLRYE_CONFIG_SOURCE_FILE_LOCATIONS");
            Sources.applicationProperties(service).stringPropertyNames().stream()
                    .filter(p -> !p.startsWith("%"))
                    .forEach(p -> known.add(Sources.envName(p)));
            for (String variable : env(r, service).keySet()) {
                if (!known.contains(variable)) {
                    unknown.add(overlay + ":" + service + ": " + variable);
                }
            }
        }
        assertEquals(List.of(), unknown, "variables no property of the service reads");
    }

    @Test
    void theConfigMappingReaderFindsTheServicesProperties() {
        Set<String> trainer = Sources.mappedProperties("trainer-student");
        assertTrue(
                trainer.containsAll(
                        List.of(
                                "distill.trainer.checkpoint-dir",
                                "distill.trainer.run-id",
                                "distill.trainer.topics.dead-letters",
                                "distill.trainer.registry-url")),
                trainer.toString());
        assertEquals(
                "DISTILL_TRAINER_CHECKPOINT_DIR",
                Sources.envName("distill.trainer.checkpoint-dir"));
        assertTrue(
                Sources.mappedProperties("producer-teacher")
                        .contains("distill.producer.support-k"));
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyServiceGetsWhatItCannotStartWithout(String overlay) {
        Rendered r = Kustomize.overlay(overlay);
        for (Map.Entry<String, List<String>> e : REQUIRED.entrySet()) {
            Map<String, String> env = env(r, e.getKey());
            for (String property : e.getValue()) {
                assertTrue(
                        Sources.mappedProperties(e.getKey()).contains(property),
                        property + " is no longer a property");
                String value = env.get(Sources.envName(property));
                assertTrue(
                        value != null && !value.isBlank(),
                        overlay + ":" + e.getKey() + " has no " + property);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void theServicesShareOneRunId(String overlay) {
        Rendered r = Kustomize.overlay(overlay);
        Map<String, String> runIds =
                Sources.SERVICES.stream()
                        .collect(
                                Collectors.toMap(
                                        s -> s,
                                        s ->
                                                env(r, s)
                                                        .getOrDefault(
                                                                Sources.envName(
                                                                        prefix(s) + ".run-id"),
                                                                "default")));
        assertEquals(1, Set.copyOf(runIds.values()).size(), "run ids: " + runIds);
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void theServicesPointAtTheDeployedKafkaBootstrapAndRegistryV3Api(String overlay) {
        Rendered r = Kustomize.overlay(overlay);
        GenericKafkaListener scram =
                r.kafka().getSpec().getKafka().getListeners().stream()
                        .filter(l -> l.getAuth() != null)
                        .findFirst()
                        .orElseThrow();
        String bootstrap =
                r.kafka().getMetadata().getName() + "-kafka-bootstrap:" + scram.getPort();

        Service registry = r.get(Service.class, "apicurio-registry");
        int registryPort = registry.getSpec().getPorts().get(0).getPort();
        String registryUrl =
                "http://"
                        + registry.getMetadata().getName()
                        + ":"
                        + registryPort
                        + "/apis/registry/v3";
        Container registryContainer = Rendered.mainContainer(r.deployment("apicurio-registry"));
        assertEquals(
                registryPort,
                PodChecks.resolvePort(
                        registryContainer, registry.getSpec().getPorts().get(0).getTargetPort()));

        for (String service : Sources.SERVICES) {
            Map<String, String> env = env(r, service);
            assertEquals(bootstrap, env.get("KAFKA_BOOTSTRAP_SERVERS"), overlay + ":" + service);
            assertEquals(
                    registryUrl,
                    env.get(Sources.envName(prefix(service) + ".registry-url")),
                    overlay + ":" + service);
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void containerAndServicePortsAreTheServicesConfiguredHttpPort(String overlay) {
        Rendered r = Kustomize.overlay(overlay);
        for (String service : Sources.SERVICES) {
            int port = Sources.httpPort(service);
            Deployment d = r.deployment(service);
            Container c = Rendered.mainContainer(d);
            List<Integer> containerPorts =
                    c.getPorts().stream().map(ContainerPort::getContainerPort).toList();
            assertEquals(List.of(port), containerPorts, service);
            Service svc = r.get(Service.class, service);
            assertEquals(
                    d.getSpec().getSelector().getMatchLabels(),
                    svc.getSpec().getSelector(),
                    service);
            for (ServicePort sp : svc.getSpec().getPorts()) {
                assertEquals(
                        port,
                        PodChecks.resolvePort(c, sp.getTargetPort()),
                        service + " service targets the HTTP port");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void theRegistryGivesOneIdToOneSchemaWhicheverClientRegistersIt(String overlay) {
        Map<String, String> env =
                Kustomize.overlay(overlay)
                        .environment(
                                Rendered.mainContainer(
                                        Kustomize.overlay(overlay)
                                                .deployment("apicurio-registry")));
        assertEquals("true", env.get("APICURIO_CCOMPAT_USE_CANONICAL_HASH"));
        assertNotNull(
                Rendered.mainContainer(Kustomize.overlay(overlay).deployment("apicurio-registry"))
                        .getImage());
        assertTrue(
                Rendered.mainContainer(Kustomize.overlay(overlay).deployment("apicurio-registry"))
                        .getImage()
                        .endsWith("/apicurio-registry:3.0.9"),
                "the registry version the project is tested with");
    }

    @Test
    void prodKeepsRegistrySchemasInKafkaWhileDevKeepsThemInMemory() {
        Map<String, String> prod =
                Kustomize.overlay("prod")
                        .environment(
                                Rendered.mainContainer(
                                        Kustomize.overlay("prod").deployment("apicurio-registry")));
        assertEquals("kafkasql", prod.get("APICURIO_STORAGE_KIND"));
        String kafka = Kustomize.overlay("prod").kafka().getMetadata().getName();
        assertEquals(
                kafka + "-kafka-bootstrap:9092", prod.get("APICURIO_KAFKASQL_BOOTSTRAP_SERVERS"));
        assertTrue(
                Kustomize.overlay("prod").topicsByName().containsKey("kafkasql-journal"),
                "the journal is declared (replication, infinite retention)");
        Map<String, String> dev =
                Kustomize.overlay("dev")
                        .environment(
                                Rendered.mainContainer(
                                        Kustomize.overlay("dev").deployment("apicurio-registry")));
        assertEquals(null, dev.get("APICURIO_STORAGE_KIND"));
    }

    static String prefix(String service) {
        return switch (service) {
            case "producer-teacher" -> "distill.producer";
            case "trainer-student" -> "distill.trainer";
            case "evaluator" -> "distill.evaluator";
            default -> throw new IllegalArgumentException(service);
        };
    }
}
