package dev.distill.k8s;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/** The typed objects of one rendered kustomization, with look-ups by kind and name. */
record Rendered(List<Object> objects) {
    static final String SECRET = "secret:";

    Rendered {
        objects = List.copyOf(objects);
    }

    /** A copy with more objects (for tests that prove a checker catches a bad addition). */
    Rendered plus(Object... more) {
        List<Object> all = new ArrayList<>(objects);
        all.addAll(List.of(more));
        return new Rendered(all);
    }

    <T> List<T> all(Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    <T extends HasMetadata> Optional<T> find(Class<T> type, String name) {
        return all(type).stream().filter(o -> name.equals(o.getMetadata().getName())).findFirst();
    }

    <T extends HasMetadata> T get(Class<T> type, String name) {
        return find(type, name)
                .orElseThrow(
                        () ->
                                new AssertionError(
                                        "no "
                                                + type.getSimpleName()
                                                + " named "
                                                + name
                                                + " in the output; there are: "
                                                + all(type).stream()
                                                        .map(o -> o.getMetadata().getName())
                                                        .toList()));
    }

    Deployment deployment(String name) {
        return get(Deployment.class, name);
    }

    /** The single Kafka cluster of the deployment. */
    Kafka kafka() {
        List<Kafka> clusters = all(Kafka.class);
        if (clusters.size() != 1) {
            throw new AssertionError("expected exactly one Kafka, found " + clusters.size());
        }
        return clusters.get(0);
    }

    /** KafkaTopics by the Kafka topic name they manage (spec.topicName, else metadata.name). */
    Map<String, KafkaTopic> topicsByName() {
        Map<String, KafkaTopic> byName = new LinkedHashMap<>();
        for (KafkaTopic t : all(KafkaTopic.class)) {
            String topic =
                    Objects.requireNonNullElse(
                            t.getSpec().getTopicName(), t.getMetadata().getName());
            if (byName.put(topic, t) != null) {
                throw new AssertionError(
                        "topic " + topic + " is declared by more than one KafkaTopic");
            }
        }
        return byName;
    }

    /** The namespace every namespaced object was put in (null for the base, which sets none). */
    String namespace() {
        return all(Deployment.class).stream()
                .map(d -> d.getMetadata().getNamespace())
                .filter(Objects::nonNull)
                .findFirst()
                .orElse(null);
    }

    /**
     * The environment a container gets, as the kubelet computes it: envFrom ConfigMaps in order,
     * then env (a Secret's key as {@code secret:<name>/<key>}); a reference to a ConfigMap that is
     * not in the output fails.
     */
    Map<String, String> environment(Container c) {
        Map<String, String> env = new LinkedHashMap<>();
        for (EnvFromSource from : Optional.ofNullable(c.getEnvFrom()).orElse(List.of())) {
            if (from.getConfigMapRef() == null) {
                throw new AssertionError(
                        c.getName() + ": only ConfigMap envFrom sources are expected");
            }
            ConfigMap cm = get(ConfigMap.class, from.getConfigMapRef().getName());
            String prefix = Objects.requireNonNullElse(from.getPrefix(), "");
            Optional.ofNullable(cm.getData())
                    .orElse(Map.of())
                    .forEach((k, v) -> env.put(prefix + k, v));
        }
        for (EnvVar e : Optional.ofNullable(c.getEnv()).orElse(List.of())) {
            if (e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null) {
                // a Secret's value is not in the output: stand for it by where it comes from
                env.put(
                        e.getName(),
                        SECRET
                                + e.getValueFrom().getSecretKeyRef().getName()
                                + "/"
                                + e.getValueFrom().getSecretKeyRef().getKey());
            } else {
                env.put(e.getName(), e.getValue());
            }
        }
        return env;
    }

    /** The one container of a Deployment (the services and the registry run one each). */
    static Container mainContainer(Deployment d) {
        List<Container> containers = d.getSpec().getTemplate().getSpec().getContainers();
        if (containers.size() != 1) {
            throw new AssertionError(
                    d.getMetadata().getName() + " has " + containers.size() + " containers");
        }
        return containers.get(0);
    }

    static <K, V> Map<K, V> index(List<V> values, Function<V, K> key) {
        Map<K, V> m = new LinkedHashMap<>();
        values.forEach(v -> m.put(key.apply(v), v));
        return m;
    }
}
