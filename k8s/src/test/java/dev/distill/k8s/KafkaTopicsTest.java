package dev.distill.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.nodepool.ProcessRoles;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Kafka and its topics: every platform topic exists, keeps what replay needs, and is as durable as
 * the overlay says.
 */
class KafkaTopicsTest {

    /**
     * Topics read again from the beginning: replay re-trains from the rollouts in a checkpoint's
     * lineage, the scorers can be re-run from the prompts, and the leaderboard is rebuilt from all
     * checkpoint events and reports. They must never lose a record. Dead letters are the only topic
     * that may expire.
     */
    static final List<String> REPLAYED =
            List.of("PROMPTS", "ROLLOUTS", "CHECKPOINTS", "EVALUATIONS");

    static List<String> overlays() {
        return Kustomize.overlays();
    }

    @Test
    void everyTopicConstantIsInTopicsAllAndClassifiedHereAsReplayedOrDeadLetters() {
        Map<String, String> topics = Sources.topics();
        List<String> unclassified = new ArrayList<>(topics.keySet());
        unclassified.removeAll(REPLAYED);
        unclassified.remove("DEAD_LETTERS");
        assertEquals(
                List.of(),
                unclassified,
                "new topics in Topics.java: decide their retention here and in "
                        + "k8s/base/kafka/topics.yaml");
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyTopicOfTopicsJavaIsDeclaredForTheDeployedKafkaCluster(String overlay) {
        Rendered r = Kustomize.overlay(overlay);
        Map<String, KafkaTopic> declared = r.topicsByName();
        String cluster = r.kafka().getMetadata().getName();
        for (String topic : Sources.topics().values()) {
            KafkaTopic t = declared.get(topic);
            assertNotNull(t, overlay + ": no KafkaTopic for " + topic);
            assertEquals(
                    cluster,
                    t.getMetadata().getLabels().get("strimzi.io/cluster"),
                    topic + " is managed by " + "the topic operator of cluster " + cluster);
            assertTrue(
                    t.getSpec().getPartitions() != null && t.getSpec().getPartitions() >= 1, topic);
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void replayedTopicsKeepEveryRecordForeverAndAreNeverCompacted(String overlay) {
        Rendered r = Kustomize.overlay(overlay);
        for (String constant : REPLAYED) {
            String topic = Sources.topics().get(constant);
            Map<String, Object> config = r.topicsByName().get(topic).getSpec().getConfig();
            assertEquals(
                    -1L, number(config, "retention.ms"), overlay + ": " + topic + " retention.ms");
            Long bytes = number(config, "retention.bytes");
            assertTrue(
                    bytes == null || bytes == -1L,
                    overlay + ": " + topic + " retention.bytes " + bytes);
            assertEquals(
                    "delete",
                    Objects.toString(config.get("cleanup.policy"), "delete"),
                    overlay
                            + ": "
                            + topic
                            + " must not be compacted (keys are not unique per record)");
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void deadLettersExpireButAreKeptLongEnoughToInspect(String overlay) {
        String topic = Sources.topics().get("DEAD_LETTERS");
        Long retention =
                number(
                        Kustomize.overlay(overlay).topicsByName().get(topic).getSpec().getConfig(),
                        "retention.ms");
        assertNotNull(retention, topic);
        assertTrue(retention >= Duration.ofDays(7).toMillis(), "at least a week: " + retention);
        assertNotEquals(-1L, retention, "dead letters are not replayed");
    }

    @Test
    void devRunsOneBrokerAndReplicatesEverythingOnce() {
        Rendered dev = Kustomize.overlay("dev");
        assertEquals(1, brokers(dev));
        for (KafkaTopic t : dev.all(KafkaTopic.class)) {
            assertEquals(1, t.getSpec().getReplicas(), t.getMetadata().getName());
            assertEquals(
                    1L,
                    number(t.getSpec().getConfig(), "min.insync.replicas"),
                    t.getMetadata().getName());
        }
        Map<String, Object> config = dev.kafka().getSpec().getKafka().getConfig();
        for (String key :
                List.of(
                        "default.replication.factor",
                        "min.insync.replicas",
                        "offsets.topic.replication.factor",
                        "transaction.state.log.replication.factor",
                        "transaction.state.log.min.isr")) {
            assertEquals(
                    1L,
                    number(config, key),
                    "dev " + key + " (one broker; transactions need these)");
        }
    }

    @Test
    void prodReplicatesEveryTopicThreeTimesAndAcknowledgesWritesOnTwo() {
        Rendered prod = Kustomize.overlay("prod");
        assertTrue(brokers(prod) >= 3, "brokers: " + brokers(prod));
        for (KafkaTopic t : prod.all(KafkaTopic.class)) {
            assertEquals(3, t.getSpec().getReplicas(), t.getMetadata().getName());
            assertEquals(
                    2L,
                    number(t.getSpec().getConfig(), "min.insync.replicas"),
                    t.getMetadata().getName());
        }
        Map<String, Object> config = prod.kafka().getSpec().getKafka().getConfig();
        assertEquals(3L, number(config, "default.replication.factor"));
        assertEquals(2L, number(config, "min.insync.replicas"));
        assertEquals(3L, number(config, "offsets.topic.replication.factor"));
        assertEquals(3L, number(config, "transaction.state.log.replication.factor"));
        assertEquals(2L, number(config, "transaction.state.log.min.isr"));
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void noTopicAsksForMoreReplicasThanThereAreBrokersOrAcksThatCannotSurviveOneBrokerDown(
            String overlay) {
        Rendered r = Kustomize.overlay(overlay);
        int brokers = brokers(r);
        for (KafkaTopic t : r.all(KafkaTopic.class)) {
            int replicas = t.getSpec().getReplicas();
            long minIsr = number(t.getSpec().getConfig(), "min.insync.replicas");
            assertTrue(
                    replicas <= brokers,
                    t.getMetadata().getName()
                            + ": "
                            + replicas
                            + " replicas, "
                            + brokers
                            + " brokers");
            assertTrue(
                    replicas == 1 || minIsr < replicas,
                    t.getMetadata().getName()
                            + ": min ISR "
                            + minIsr
                            + " of "
                            + replicas
                            + " blocks writes when one broker restarts");
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void topicsExistOnlyAsDeclaredAndKafkaRunsInKraftModeWithNodePools(String overlay) {
        Kafka kafka = Kustomize.overlay(overlay).kafka();
        assertEquals(
                false, kafka.getSpec().getKafka().getConfig().get("auto.create.topics.enable"));
        assertEquals(
                null,
                kafka.getSpec().getKafka().getReplicas(),
                "v1: nodes come from KafkaNodePools");
        assertEquals(
                null,
                kafka.getSpec().getKafka().getStorage(),
                "v1: storage comes from KafkaNodePools");
        assertNotNull(
                kafka.getSpec().getEntityOperator().getTopicOperator(),
                "the KafkaTopics need the topic operator");
        List<KafkaNodePool> pools = Kustomize.overlay(overlay).all(KafkaNodePool.class);
        assertTrue(
                pools.stream()
                        .anyMatch(p -> p.getSpec().getRoles().contains(ProcessRoles.CONTROLLER)),
                "KRaft controllers");
    }

    static int brokers(Rendered r) {
        String cluster = r.kafka().getMetadata().getName();
        return r.all(KafkaNodePool.class).stream()
                .filter(p -> cluster.equals(p.getMetadata().getLabels().get("strimzi.io/cluster")))
                .filter(p -> p.getSpec().getRoles().contains(ProcessRoles.BROKER))
                .mapToInt(p -> p.getSpec().getReplicas())
                .sum();
    }

    /**
     * A numeric topic/broker setting (YAML may give it as a number or a string); null when absent.
     */
    static Long number(Map<String, Object> config, String key) {
        Object v = config == null ? null : config.get(key);
        if (v == null) {
            return null;
        }
        return v instanceof Number n ? n.longValue() : Long.parseLong(v.toString().trim());
    }
}
