package dev.distill.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.strimzi.api.kafka.model.kafka.listener.GenericKafkaListener;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Network policies allow the data flow and nothing else: services -> Kafka brokers (9092) and the
 * registry (8080); ingress only to the evaluator's dashboard; everything else denied by default.
 * Checked by evaluating the policies over the pods each overlay creates, Kubernetes' way ({@link
 * NetworkModel}).
 */
class NetworkPolicyTest {

    static final String DNS =
            "ns{kubernetes.io/metadata.name=kube-system}pods{k8s-app=kube-dns}:53/UDP,53/TCP";
    static final String DASHBOARD_INGRESS = "ns{kubernetes.io/metadata.name=ingress-nginx}pods{}:";

    static List<String> overlays() {
        return Kustomize.overlays();
    }

    private static Set<String> expectedServiceEgress(NetworkModel net) {
        Set<String> expected = new TreeSet<>();
        net.brokers().forEach(b -> expected.add(b.name() + ":9092"));
        expected.add("apicurio-registry:8080");
        return expected;
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everythingIsDeniedUnlessAllowed(String overlay) {
        List<NetworkPolicy> denyAll =
                Kustomize.overlay(overlay).all(NetworkPolicy.class).stream()
                        .filter(
                                p ->
                                        p.getSpec().getPodSelector().getMatchLabels() == null
                                                || p.getSpec()
                                                        .getPodSelector()
                                                        .getMatchLabels()
                                                        .isEmpty())
                        .filter(
                                p ->
                                        p.getSpec().getPodSelector().getMatchExpressions() == null
                                                || p.getSpec()
                                                        .getPodSelector()
                                                        .getMatchExpressions()
                                                        .isEmpty())
                        .filter(
                                p ->
                                        NetworkModel.policyTypes(p)
                                                .containsAll(List.of("Ingress", "Egress")))
                        .filter(
                                p ->
                                        (p.getSpec().getIngress() == null
                                                        || p.getSpec().getIngress().isEmpty())
                                                && (p.getSpec().getEgress() == null
                                                        || p.getSpec().getEgress().isEmpty()))
                        .toList();
        assertEquals(
                1,
                denyAll.size(),
                overlay + ": one default-deny policy for every pod, both directions");
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void servicesMayReachOnlyTheBrokersTheRegistryAndDns(String overlay) {
        NetworkModel net = new NetworkModel(Kustomize.overlay(overlay));
        assertEquals(List.of(), serviceEgressProblems(net));
    }

    @Test
    void theEgressCheckCatchesAPolicyThatOpensAServiceToEverything() {
        Rendered dev = Kustomize.overlay("dev");
        NetworkPolicy openEgress =
                new NetworkPolicyBuilder()
                        .withNewMetadata()
                        .withName("oops")
                        .withNamespace(dev.namespace())
                        .endMetadata()
                        .withNewSpec()
                        .withNewPodSelector()
                        .addToMatchLabels("app.kubernetes.io/name", "trainer-student")
                        .endPodSelector()
                        .withPolicyTypes("Egress")
                        .addNewEgress()
                        .endEgress()
                        .endSpec()
                        .build();
        List<String> problems = serviceEgressProblems(new NetworkModel(dev.plus(openEgress)));
        assertFalse(problems.isEmpty());
        assertTrue(
                problems.stream().allMatch(p -> p.startsWith("trainer-student")),
                problems.toString());
    }

    private static List<String> serviceEgressProblems(NetworkModel net) {
        List<String> problems = new ArrayList<>();
        for (String service : Sources.SERVICES) {
            NetworkModel.Pod pod = net.pod(service);
            Set<String> inside = net.egressInNamespace(pod);
            if (!inside.equals(expectedServiceEgress(net))) {
                problems.add(service + " reaches " + inside);
            }
            Set<String> outside = net.external(pod, "Egress");
            if (!outside.equals(Set.of(DNS))) {
                problems.add(service + " reaches outside the namespace: " + outside);
            }
        }
        return problems;
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void theDataFlowActuallyGoesThroughBothEndsPolicies(String overlay) {
        NetworkModel net = new NetworkModel(Kustomize.overlay(overlay));
        NetworkModel.Pod registry = net.pod("apicurio-registry");
        assertFalse(net.brokers().isEmpty());
        for (String service : Sources.SERVICES) {
            NetworkModel.Pod pod = net.pod(service);
            for (NetworkModel.Pod broker : net.brokers()) {
                assertTrue(
                        net.connects(pod, broker, 9092),
                        overlay + ": " + service + " -> " + broker.name());
            }
            assertTrue(
                    net.connects(pod, registry, 8080), overlay + ": " + service + " -> registry");
            for (String other : Sources.SERVICES) {
                if (!other.equals(service)) {
                    int port = Sources.httpPort(other);
                    assertFalse(
                            net.connects(pod, net.pod(other), port),
                            overlay + ": " + service + " -> " + other);
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void nothingCallsTheScorersOrTheTrainerAndOnlyTheIngressControllerReachesTheDashboard(
            String overlay) {
        NetworkModel net = new NetworkModel(Kustomize.overlay(overlay));
        for (String closed : List.of("producer-teacher", "trainer-student")) {
            assertEquals(Set.of(), net.ingressFromNamespace(net.pod(closed)), closed);
            assertEquals(Set.of(), net.external(net.pod(closed), "Ingress"), closed);
        }
        NetworkModel.Pod evaluator = net.pod("evaluator");
        assertEquals(Set.of(), net.ingressFromNamespace(evaluator));
        assertEquals(
                Set.of(DASHBOARD_INGRESS + Sources.httpPort("evaluator") + "/TCP"),
                net.external(evaluator, "Ingress"));
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void theRegistryAnswersOnlyTheServicesAndInProdTheSchemaRegistrationJob(String overlay) {
        NetworkModel net = new NetworkModel(Kustomize.overlay(overlay));
        NetworkModel.Pod registry = net.pod("apicurio-registry");
        Set<String> expected = new TreeSet<>();
        Sources.SERVICES.forEach(s -> expected.add(s + ":8080"));
        if (overlay.endsWith("prod")) {
            expected.add("register-schemas:8080");
            NetworkModel.Pod job = net.pod("register-schemas");
            assertTrue(net.connects(job, registry, 8080), "the Job reaches the registry");
            assertEquals(Set.of("apicurio-registry:8080"), net.egressInNamespace(job));
        }
        assertEquals(expected, net.ingressFromNamespace(registry));
        assertEquals(Set.of(), net.external(registry, "Ingress"));
    }

    @Test
    void theRegistryCallsNothingInDevAndOnlyTheBrokersWithKafkaStorageInProd() {
        NetworkModel dev = new NetworkModel(Kustomize.overlay("dev"));
        assertEquals(Set.of(), dev.egressInNamespace(dev.pod("apicurio-registry")));
        NetworkModel prod = new NetworkModel(Kustomize.overlay("prod"));
        Set<String> brokers = new TreeSet<>();
        prod.brokers().forEach(b -> brokers.add(b.name() + ":9092"));
        assertEquals(brokers, prod.egressInNamespace(prod.pod("apicurio-registry")));
        for (NetworkModel.Pod broker : prod.brokers()) {
            assertTrue(prod.connects(prod.pod("apicurio-registry"), broker, 9092));
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void theBrokersClientListenerAdmitsExactlyTheDataFlowsClients(String overlay) {
        Rendered r = Kustomize.overlay(overlay);
        NetworkModel net = new NetworkModel(r);
        Set<String> clients = new TreeSet<>();
        Sources.SERVICES.forEach(s -> clients.add(s + ":9092"));
        if ("prod".equals(overlay)) {
            clients.add("apicurio-registry:9092");
        }
        for (NetworkModel.Pod broker : net.brokers()) {
            Set<String> fromNamespace = new TreeSet<>();
            net.ingressFromNamespace(broker).stream()
                    .filter(s -> s.endsWith(":9092"))
                    .filter(s -> !s.startsWith(r.kafka().getMetadata().getName() + "-"))
                    .forEach(fromNamespace::add);
            assertEquals(clients, fromNamespace, overlay + ": " + broker.name());
        }
        // Strimzi generates its own listener policy from networkPolicyPeers: it must admit the same
        // clients.
        GenericKafkaListener plain = r.kafka().getSpec().getKafka().getListeners().get(0);
        Set<String> peers = new LinkedHashSet<>();
        for (NetworkPolicyPeer peer : plain.getNetworkPolicyPeers()) {
            if (peer.getNamespaceSelector() == null) {
                peers.add(
                        peer.getPodSelector().getMatchLabels().get("app.kubernetes.io/name")
                                + ":9092");
            }
        }
        assertEquals(clients, new TreeSet<>(peers), overlay + ": listener networkPolicyPeers");
    }

    @Test
    void kedaReadsTheScorersLagFromItsOwnNamespaceInProdOnly() {
        String keda =
                "ns{kubernetes.io/metadata.name=keda}pods{app.kubernetes.io/name=keda-operator}:9092/TCP";
        NetworkModel prod = new NetworkModel(Kustomize.overlay("prod"));
        assertTrue(
                prod.external(prod.brokers().get(0), "Ingress").contains(keda),
                prod.external(prod.brokers().get(0), "Ingress").toString());
        NetworkModel dev = new NetworkModel(Kustomize.overlay("dev"));
        assertFalse(dev.external(dev.brokers().get(0), "Ingress").contains(keda));
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void kafkaNodesTalkToEachOtherAndTheTopicOperatorReachesThemAndTheApiServer(String overlay) {
        NetworkModel net = new NetworkModel(Kustomize.overlay(overlay));
        NetworkModel.Pod operator =
                net.pod(
                        Kustomize.overlay(overlay).kafka().getMetadata().getName()
                                + "-entity-operator");
        for (NetworkModel.Pod a : net.brokers()) {
            assertTrue(net.connects(operator, a, 9091), "topic operator -> " + a.name());
            for (NetworkModel.Pod b : net.brokers()) {
                if (a != b) {
                    assertTrue(
                            net.connects(a, b, 9090) && net.connects(a, b, 9091),
                            a.name() + " -> " + b.name());
                }
            }
        }
        assertTrue(
                net.external(operator, "Egress").contains("anywhere:443/TCP,6443/TCP"),
                "Kubernetes API");
        for (String service : Sources.SERVICES) {
            assertFalse(
                    net.connects(net.pod(service), net.brokers().get(0), 9091),
                    service + " -> replication port");
        }
        assertNotEquals(Set.of("unrestricted"), net.external(net.brokers().get(0), "Egress"));
    }
}
