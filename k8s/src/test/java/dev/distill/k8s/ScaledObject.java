package dev.distill.k8s;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * KEDA's ScaledObject (keda.sh/v1alpha1), the fields of its CRD this deployment may use; parsed
 * strictly like the other kinds (an unknown or misspelt field fails). fabric8 has no KEDA model.
 */
record ScaledObject(String apiVersion, String kind, ObjectMeta metadata, Spec spec) {

    record Spec(
            ScaleTargetRef scaleTargetRef,
            Integer minReplicaCount,
            Integer maxReplicaCount,
            Integer idleReplicaCount,
            Integer pollingInterval,
            Integer cooldownPeriod,
            List<Trigger> triggers) {}

    record ScaleTargetRef(
            String apiVersion, String kind, String name, String envSourceContainerName) {
        /** KEDA's default target kind. */
        String effectiveKind() {
            return kind == null ? "Deployment" : kind;
        }
    }

    /** Trigger metadata is map[string]string in the CRD: numbers and booleans must be quoted. */
    record Trigger(
            String type,
            String name,
            String metricType,
            Boolean useCachedMetrics,
            Map<String, String> metadata,
            AuthenticationRef authenticationRef) {}

    record AuthenticationRef(String name, String kind) {}

    /**
     * The parameters of KEDA's Apache Kafka scaler (a misspelt one is ignored by KEDA, so it is an
     * error here).
     */
    static final Set<String> KAFKA_TRIGGER_PARAMETERS =
            Set.of(
                    "bootstrapServers",
                    "consumerGroup",
                    "topic",
                    "lagThreshold",
                    "activationLagThreshold",
                    "offsetResetPolicy",
                    "allowIdleConsumers",
                    "scaleToZeroOnInvalidOffset",
                    "excludePersistentLag",
                    "version",
                    "partitionLimitation",
                    "limitToPartitionsWithLag",
                    "ensureEvenDistributionOfPartitions",
                    "sasl",
                    "tls",
                    "unsafeSsl");
}
