package dev.distill.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * prod scales the teacher scorers (producer-teacher) with KEDA on the lag of their consumer group
 * on the prompt topic; dev runs one. The trigger must name the group, topic and brokers the scorers
 * really use, or KEDA sees no lag and never scales.
 */
class ScorerAutoscalingTest {

    private static ScaledObject.Trigger kafkaTrigger(ScaledObject so) {
        assertEquals(1, so.spec().triggers().size(), "one trigger");
        ScaledObject.Trigger t = so.spec().triggers().get(0);
        assertEquals("kafka", t.type());
        return t;
    }

    private static ScaledObject onlyScaledObject(Rendered r) {
        List<ScaledObject> all = r.all(ScaledObject.class);
        assertEquals(1, all.size(), "one autoscaler: the scorers'");
        return all.get(0);
    }

    @Test
    void prodAutoscalesTheScorerDeploymentOnItsPromptLag() {
        Rendered prod = Kustomize.overlay("prod");
        ScaledObject so = onlyScaledObject(prod);
        assertEquals("Deployment", so.spec().scaleTargetRef().effectiveKind());
        assertEquals("producer-teacher", so.spec().scaleTargetRef().name());
        prod.deployment(so.spec().scaleTargetRef().name());

        Map<String, String> producerEnv =
                prod.environment(Rendered.mainContainer(prod.deployment("producer-teacher")));
        Map<String, String> trigger = kafkaTrigger(so).metadata();
        assertTrue(
                ScaledObject.KAFKA_TRIGGER_PARAMETERS.containsAll(trigger.keySet()),
                "unknown kafka scaler parameters: " + trigger.keySet());
        String prompts =
                producerEnv.getOrDefault(
                        "DISTILL_PRODUCER_TOPICS_PROMPTS", Sources.topics().get("PROMPTS"));
        assertEquals(prompts, trigger.get("topic"));
        String runId = producerEnv.getOrDefault("DISTILL_PRODUCER_RUN_ID", "default");
        assertEquals(
                producerGroupPrefix() + runId,
                trigger.get("consumerGroup"),
                "the scorers' consumer group (ProducerSettings.groupId)");
        assertTrue(Integer.parseInt(trigger.get("lagThreshold")) > 0);
        assertEquals(
                "earliest",
                trigger.get("offsetResetPolicy"),
                "the scorers start from the earliest prompt; a new group's backlog is lag");
    }

    @Test
    void kedaReachesTheBrokersByTheirFullyQualifiedNameFromItsOwnNamespace() {
        Rendered prod = Kustomize.overlay("prod");
        String expected =
                prod.kafka().getMetadata().getName()
                        + "-kafka-bootstrap."
                        + prod.namespace()
                        + ".svc:9092";
        assertEquals(
                expected, kafkaTrigger(onlyScaledObject(prod)).metadata().get("bootstrapServers"));
    }

    @Test
    void prodNeverScalesPastThePromptPartitionsNorBelowMoreScorersThanDev() {
        Rendered prod = Kustomize.overlay("prod");
        ScaledObject so = onlyScaledObject(prod);
        int partitions =
                prod.topicsByName().get(Sources.topics().get("PROMPTS")).getSpec().getPartitions();
        assertTrue(
                so.spec().maxReplicaCount() <= partitions,
                "members beyond "
                        + partitions
                        + " partitions would idle: max "
                        + so.spec().maxReplicaCount());
        int devScorers =
                Kustomize.overlay("dev").deployment("producer-teacher").getSpec().getReplicas();
        assertTrue(
                so.spec().minReplicaCount() > devScorers,
                "prod runs more scorers than dev at least");
        assertTrue(so.spec().minReplicaCount() >= 1, "never scaled to zero");
        assertTrue(so.spec().minReplicaCount() <= so.spec().maxReplicaCount());
    }

    @Test
    void theAutoscalerAloneOwnsTheProdScorerReplicaCount() {
        Deployment scorers = Kustomize.overlay("prod").deployment("producer-teacher");
        assertNull(
                scorers.getSpec().getReplicas(),
                "a fixed count would be reset by every kubectl apply");
    }

    @Test
    void aNodeDrainCannotBlockOnTheScorersDisruptionBudget() {
        Rendered prod = Kustomize.overlay("prod");
        PodDisruptionBudget pdb = prod.get(PodDisruptionBudget.class, "producer-teacher");
        assertEquals(
                prod.deployment("producer-teacher").getSpec().getSelector().getMatchLabels(),
                pdb.getSpec().getSelector().getMatchLabels());
        int minAvailable = pdb.getSpec().getMinAvailable().getIntVal();
        assertTrue(
                minAvailable < onlyScaledObject(prod).spec().minReplicaCount(),
                "minAvailable "
                        + minAvailable
                        + " must leave a scorer to evict at the minimum replica count");
    }

    @Test
    void devRunsOneScorerAndNoAutoscaler() {
        Rendered dev = Kustomize.overlay("dev");
        assertEquals(List.of(), dev.all(ScaledObject.class));
        assertEquals(1, dev.deployment("producer-teacher").getSpec().getReplicas());
    }

    /** "distill-producer-" as ProducerSettings.groupId() builds it, read from the source. */
    static String producerGroupPrefix() {
        String src =
                Sources.read(
                        Sources.mainJava("producer-teacher")
                                .resolve("dev/distill/producer/ProducerSettings.java"));
        Matcher m =
                Pattern.compile(
                                "String\\s+groupId\\(\\)\\s*\\{\\s*return\\s+\"([^\"]+)\"\\s*\\+\\s*runId")
                        .matcher(src);
        assertTrue(
                m.find(),
                "ProducerSettings.groupId() no longer returns \"<prefix>\" + runId; update the"
                        + " trigger");
        assertNotNull(m.group(1));
        return m.group(1);
    }
}
