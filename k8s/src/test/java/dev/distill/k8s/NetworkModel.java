package dev.distill.k8s;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.kafka.listener.GenericKafkaListener;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.nodepool.ProcessRoles;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Evaluates the NetworkPolicies of a rendered overlay the way Kubernetes does (policies select pods
 * by labels; a pod selected by no policy of a direction is open in that direction; allowed = union
 * of the rules; a connection needs the source's egress and the destination's ingress), over the
 * pods the overlay creates: the Deployments' pod templates and the pods Strimzi creates for the
 * Kafka cluster (labelled as Strimzi labels them).
 */
final class NetworkModel {

    /** A pod: its labels and the ports it listens on (named ports by name). */
    record Pod(String name, Map<String, String> labels, Map<Integer, String> ports) {}

    /**
     * Strimzi node ports: KRaft control plane, replication, the Kafka agent. Listener ports are
     * added.
     */
    static final List<Integer> STRIMZI_NODE_PORTS = List.of(9090, 9091, 8443);

    final String namespace;
    final List<Pod> pods;
    final List<NetworkPolicy> policies;

    NetworkModel(Rendered rendered) {
        this.namespace = Optional.ofNullable(rendered.namespace()).orElse("default");
        this.policies = rendered.all(NetworkPolicy.class);
        this.pods = pods(rendered);
    }

    Pod pod(String name) {
        return pods.stream()
                .filter(p -> p.name.equals(name))
                .findFirst()
                .orElseThrow(
                        () ->
                                new AssertionError(
                                        "no pod "
                                                + name
                                                + " among "
                                                + pods.stream().map(Pod::name).toList()));
    }

    /** Whether {@code from} can open a TCP connection to {@code to}:{@code port}. */
    boolean connects(Pod from, Pod to, int port) {
        return allows(from, "Egress", to, port, true) && allows(to, "Ingress", from, port, false);
    }

    /**
     * Pod:port pairs inside the namespace that the pod's egress rules let it reach (ingress not
     * considered).
     */
    Set<String> egressInNamespace(Pod from) {
        Set<String> out = new TreeSet<>();
        for (Pod to : pods) {
            for (int port : to.ports.keySet()) {
                if (to != from && allows(from, "Egress", to, port, true)) {
                    out.add(to.name + ":" + port);
                }
            }
        }
        return out;
    }

    /**
     * Pods of the namespace that the pod's ingress rules admit, as "pod:port" (egress not
     * considered).
     */
    Set<String> ingressFromNamespace(Pod to) {
        Set<String> out = new TreeSet<>();
        for (Pod from : pods) {
            for (int port : to.ports.keySet()) {
                if (from != to && allows(to, "Ingress", from, port, false)) {
                    out.add(from.name + ":" + port);
                }
            }
        }
        return out;
    }

    /**
     * Peers outside the namespace a direction admits, described: "ns{...}pods{...}:53/UDP", "ip
     * 10.0.0.0/8:443", "anywhere:443", "anywhere:all"; "unrestricted" when no policy of that
     * direction selects the pod.
     */
    Set<String> external(Pod pod, String direction) {
        Set<String> out = new TreeSet<>();
        List<NetworkPolicy> selecting = selecting(pod, direction);
        if (selecting.isEmpty()) {
            return Set.of("unrestricted");
        }
        for (NetworkPolicy p : selecting) {
            for (Rule rule : rules(p, direction)) {
                String ports =
                        rule.ports == null || rule.ports.isEmpty()
                                ? "all"
                                : String.join(
                                        ",",
                                        rule.ports.stream().map(NetworkModel::describe).toList());
                if (rule.peers == null || rule.peers.isEmpty()) {
                    out.add("anywhere:" + ports);
                    continue;
                }
                for (NetworkPolicyPeer peer : rule.peers) {
                    if (peer.getIpBlock() != null) {
                        out.add("ip " + peer.getIpBlock().getCidr() + ":" + ports);
                    } else if (peer.getNamespaceSelector() != null
                            && !selectsOwnNamespace(peer.getNamespaceSelector())) {
                        out.add(
                                "ns"
                                        + describe(peer.getNamespaceSelector())
                                        + "pods"
                                        + describe(
                                                Optional.ofNullable(peer.getPodSelector())
                                                        .orElse(new LabelSelector()))
                                        + ":"
                                        + ports);
                    }
                }
            }
        }
        return out;
    }

    /** Policies that select the pod and restrict the direction ("Ingress" or "Egress"). */
    List<NetworkPolicy> selecting(Pod pod, String direction) {
        return policies.stream()
                .filter(p -> matches(p.getSpec().getPodSelector(), pod.labels))
                .filter(p -> policyTypes(p).contains(direction))
                .toList();
    }

    private boolean allows(
            Pod subject, String direction, Pod other, int port, boolean portOfOther) {
        List<NetworkPolicy> selecting = selecting(subject, direction);
        if (selecting.isEmpty()) {
            return true;
        }
        Pod portOwner = portOfOther ? other : subject;
        for (NetworkPolicy p : selecting) {
            for (Rule rule : rules(p, direction)) {
                boolean peerOk =
                        rule.peers == null
                                || rule.peers.isEmpty()
                                || rule.peers.stream()
                                        .anyMatch(peer -> inNamespacePeer(peer, other));
                boolean portOk =
                        rule.ports == null
                                || rule.ports.isEmpty()
                                || rule.ports.stream()
                                        .anyMatch(pp -> portMatches(pp, portOwner, port));
                if (peerOk && portOk) {
                    return true;
                }
            }
        }
        return false;
    }

    private boolean inNamespacePeer(NetworkPolicyPeer peer, Pod pod) {
        if (peer.getIpBlock() != null) {
            return false; // pod IPs are not known statically; the deployment uses none for pods
        }
        if (peer.getNamespaceSelector() != null
                && !selectsOwnNamespace(peer.getNamespaceSelector())) {
            return false;
        }
        return peer.getPodSelector() == null || matches(peer.getPodSelector(), pod.labels);
    }

    private boolean selectsOwnNamespace(LabelSelector nsSelector) {
        return matches(nsSelector, Map.of("kubernetes.io/metadata.name", namespace));
    }

    private static boolean portMatches(NetworkPolicyPort pp, Pod owner, int port) {
        String protocol = Optional.ofNullable(pp.getProtocol()).orElse("TCP");
        if (!"TCP".equals(protocol)) {
            return false;
        }
        IntOrString p = pp.getPort();
        if (p == null) {
            return true;
        }
        if (p.getStrVal() != null) {
            return p.getStrVal().equals(owner.ports.get(port));
        }
        int end = Optional.ofNullable(pp.getEndPort()).orElse(p.getIntVal());
        return port >= p.getIntVal() && port <= end;
    }

    static boolean matches(LabelSelector selector, Map<String, String> labels) {
        if (selector == null) {
            return true;
        }
        for (Map.Entry<String, String> e :
                Optional.ofNullable(selector.getMatchLabels()).orElse(Map.of()).entrySet()) {
            if (!e.getValue().equals(labels.get(e.getKey()))) {
                return false;
            }
        }
        for (LabelSelectorRequirement r :
                Optional.ofNullable(selector.getMatchExpressions()).orElse(List.of())) {
            String value = labels.get(r.getKey());
            boolean ok =
                    switch (r.getOperator()) {
                        case "In" -> value != null && r.getValues().contains(value);
                        case "NotIn" -> value == null || !r.getValues().contains(value);
                        case "Exists" -> value != null;
                        case "DoesNotExist" -> value == null;
                        default ->
                                throw new AssertionError(
                                        "unknown selector operator " + r.getOperator());
                    };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private record Rule(List<NetworkPolicyPeer> peers, List<NetworkPolicyPort> ports) {}

    private static List<Rule> rules(NetworkPolicy p, String direction) {
        List<Rule> rules = new ArrayList<>();
        if ("Ingress".equals(direction)) {
            Optional.ofNullable(p.getSpec().getIngress())
                    .orElse(List.of())
                    .forEach(r -> rules.add(new Rule(r.getFrom(), r.getPorts())));
        } else {
            Optional.ofNullable(p.getSpec().getEgress())
                    .orElse(List.of())
                    .forEach(r -> rules.add(new Rule(r.getTo(), r.getPorts())));
        }
        return rules;
    }

    /**
     * spec.policyTypes, or what Kubernetes defaults it to (Ingress, plus Egress when there are
     * egress rules).
     */
    static List<String> policyTypes(NetworkPolicy p) {
        List<String> types = p.getSpec().getPolicyTypes();
        if (types != null && !types.isEmpty()) {
            return types;
        }
        return p.getSpec().getEgress() != null && !p.getSpec().getEgress().isEmpty()
                ? List.of("Ingress", "Egress")
                : List.of("Ingress");
    }

    private static String describe(NetworkPolicyPort p) {
        String port =
                p.getPort() == null
                        ? "all"
                        : p.getPort().getIntVal() != null
                                ? String.valueOf(p.getPort().getIntVal())
                                : p.getPort().getStrVal();
        return port + "/" + Optional.ofNullable(p.getProtocol()).orElse("TCP");
    }

    private static String describe(LabelSelector s) {
        return new TreeMap<>(Optional.ofNullable(s.getMatchLabels()).orElse(Map.of())).toString()
                + (s.getMatchExpressions() == null || s.getMatchExpressions().isEmpty()
                        ? ""
                        : s.getMatchExpressions());
    }

    private static List<Pod> pods(Rendered r) {
        List<Pod> pods = new ArrayList<>();
        for (Deployment d : r.all(Deployment.class)) {
            Map<Integer, String> ports = new LinkedHashMap<>();
            for (Container c : d.getSpec().getTemplate().getSpec().getContainers()) {
                for (ContainerPort cp : Optional.ofNullable(c.getPorts()).orElse(List.of())) {
                    ports.put(cp.getContainerPort(), cp.getName());
                }
            }
            pods.add(
                    new Pod(
                            d.getMetadata().getName(),
                            d.getSpec().getTemplate().getMetadata().getLabels(),
                            ports));
        }
        for (io.fabric8.kubernetes.api.model.batch.v1.Job j :
                r.all(io.fabric8.kubernetes.api.model.batch.v1.Job.class)) {
            pods.add(
                    new Pod(
                            j.getMetadata().getName(),
                            j.getSpec().getTemplate().getMetadata().getLabels(),
                            Map.of()));
        }
        for (Kafka kafka : r.all(Kafka.class)) {
            String cluster = kafka.getMetadata().getName();
            Map<Integer, String> nodePorts = new LinkedHashMap<>();
            STRIMZI_NODE_PORTS.forEach(p -> nodePorts.put(p, null));
            for (GenericKafkaListener l : kafka.getSpec().getKafka().getListeners()) {
                nodePorts.put(l.getPort(), null);
            }
            for (KafkaNodePool pool : r.all(KafkaNodePool.class)) {
                if (!cluster.equals(pool.getMetadata().getLabels().get("strimzi.io/cluster"))) {
                    continue;
                }
                Map<String, String> labels = new LinkedHashMap<>();
                labels.put("strimzi.io/cluster", cluster);
                labels.put("strimzi.io/kind", "Kafka");
                labels.put("strimzi.io/name", cluster + "-kafka");
                labels.put("strimzi.io/component-type", "kafka");
                labels.put("strimzi.io/pool-name", pool.getMetadata().getName());
                labels.put(
                        "strimzi.io/broker-role",
                        String.valueOf(pool.getSpec().getRoles().contains(ProcessRoles.BROKER)));
                labels.put(
                        "strimzi.io/controller-role",
                        String.valueOf(
                                pool.getSpec().getRoles().contains(ProcessRoles.CONTROLLER)));
                for (int i = 0; i < pool.getSpec().getReplicas(); i++) {
                    pods.add(
                            new Pod(
                                    cluster + "-" + pool.getMetadata().getName() + "-" + i,
                                    labels,
                                    nodePorts));
                }
            }
            if (kafka.getSpec().getEntityOperator() != null) {
                pods.add(
                        new Pod(
                                cluster + "-entity-operator",
                                Map.of(
                                        "strimzi.io/cluster",
                                        cluster,
                                        "strimzi.io/kind",
                                        "Kafka",
                                        "strimzi.io/name",
                                        cluster + "-entity-operator",
                                        "strimzi.io/component-type",
                                        "entity-operator"),
                                Map.of()));
            }
        }
        return pods;
    }

    /** The broker pods of the Kafka cluster. */
    List<Pod> brokers() {
        return pods.stream()
                .filter(p -> "true".equals(p.labels.get("strimzi.io/broker-role")))
                .toList();
    }
}
