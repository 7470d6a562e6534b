package dev.distill.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * `kubectl kustomize` builds every overlay, and what it prints is made only of known kinds,
 * strictly typed.
 */
class OverlaysRenderTest {

    static List<String> overlays() {
        return Kustomize.overlays();
    }

    @Test
    void theDeploymentHasADevAndAProdOverlay() {
        assertEquals(List.of("dev", "prod"), overlays());
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyOverlayBuildsIntoTypedObjectsWithNoUnknownField(String overlay) {
        Rendered r = Kustomize.overlay(overlay);
        Map<String, Long> kinds =
                r.objects().stream()
                        .collect(
                                Collectors.groupingBy(
                                        o -> o.getClass().getSimpleName(), Collectors.counting()));
        for (String kind :
                List.of(
                        "Namespace",
                        "Deployment",
                        "Service",
                        "ServiceAccount",
                        "ConfigMap",
                        "PersistentVolumeClaim",
                        "NetworkPolicy",
                        "Kafka",
                        "KafkaNodePool",
                        "KafkaTopic")) {
            assertTrue(kinds.containsKey(kind), overlay + " has no " + kind + ": " + kinds);
        }
        assertEquals(4, kinds.get("Deployment"), overlay + ": the registry and the three services");
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyObjectLandsInTheOverlaysOwnNamespace(String overlay) {
        Rendered r = Kustomize.overlay(overlay);
        List<Namespace> namespaces = r.all(Namespace.class);
        assertEquals(1, namespaces.size(), overlay + " creates one namespace");
        String ns = namespaces.get(0).getMetadata().getName();
        for (Object o : r.objects()) {
            if (o instanceof HasMetadata m && !(o instanceof Namespace)) {
                assertEquals(
                        ns,
                        m.getMetadata().getNamespace(),
                        overlay + ": " + m.getKind() + " " + m.getMetadata().getName());
            } else if (o instanceof ScaledObject so) {
                assertEquals(
                        ns,
                        so.metadata().getNamespace(),
                        overlay + ": ScaledObject " + so.metadata().getName());
            }
        }
        assertEquals(
                "restricted",
                namespaces.get(0).getMetadata().getLabels().get("pod-security.kubernetes.io/warn"));
    }

    @Test
    void overlaysDeployToDifferentNamespaces() {
        List<String> namespaces =
                overlays().stream().map(o -> Kustomize.overlay(o).namespace()).toList();
        assertEquals(
                namespaces.size(), namespaces.stream().distinct().count(), namespaces.toString());
        assertFalse(namespaces.contains(null));
    }

    @Test
    void theBaseBuildsOnItsOwn() {
        Rendered base = Kustomize.render(Kustomize.k8sDir().resolve("base"));
        assertEquals(4, base.all(Deployment.class).size());
        assertTrue(
                base.all(Deployment.class).stream()
                        .map(d -> d.getMetadata().getNamespace())
                        .allMatch(Objects::isNull),
                "the base leaves the namespace to the overlays");
        assertNotNull(base.kafka());
    }
}
