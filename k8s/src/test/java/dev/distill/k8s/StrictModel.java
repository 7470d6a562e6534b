package dev.distill.k8s;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.BeanDeserializerBuilder;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Typed, strict parsing of rendered manifests: every document must be a kind this deployment is
 * allowed to contain, at exactly that apiVersion, and must deserialize into its typed model
 * (fabric8 for Kubernetes, Strimzi's own model for Strimzi, {@link ScaledObject} for KEDA) with no
 * unknown field and no value of the wrong type (a string where the API wants a number or a boolean,
 * and the reverse).
 *
 * <p>fabric8 and Strimzi models keep unknown fields in an "additional properties" map (a Jackson
 * any-setter) instead of failing; this mapper removes those any-setters so
 * FAIL_ON_UNKNOWN_PROPERTIES applies to them.
 */
final class StrictModel {

    /** apiVersion/kind -> model. Anything else in an overlay's output is an error. */
    static final Map<String, Class<?>> KINDS =
            Map.ofEntries(
                    Map.entry("v1/Namespace", Namespace.class),
                    Map.entry("v1/ServiceAccount", ServiceAccount.class),
                    Map.entry("v1/ConfigMap", ConfigMap.class),
                    Map.entry("v1/Secret", io.fabric8.kubernetes.api.model.Secret.class),
                    Map.entry("v1/Service", Service.class),
                    Map.entry("v1/PersistentVolumeClaim", PersistentVolumeClaim.class),
                    Map.entry("apps/v1/Deployment", Deployment.class),
                    Map.entry("batch/v1/Job", io.fabric8.kubernetes.api.model.batch.v1.Job.class),
                    Map.entry("networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class),
                    Map.entry("policy/v1/PodDisruptionBudget", PodDisruptionBudget.class),
                    Map.entry("kafka.strimzi.io/v1/Kafka", Kafka.class),
                    Map.entry("kafka.strimzi.io/v1/KafkaNodePool", KafkaNodePool.class),
                    Map.entry("kafka.strimzi.io/v1/KafkaTopic", KafkaTopic.class),
                    Map.entry("kafka.strimzi.io/v1/KafkaUser", KafkaUser.class),
                    Map.entry("keda.sh/v1alpha1/ScaledObject", ScaledObject.class),
                    Map.entry(
                            "keda.sh/v1alpha1/TriggerAuthentication", TriggerAuthentication.class));

    static final ObjectMapper MAPPER = strictMapper();
    private static final YAMLMapper YAML = new YAMLMapper();

    private StrictModel() {}

    /** Parses a multi-document YAML stream; {@code source} names it in error messages. */
    static Rendered parse(String yaml, String source) {
        List<Object> objects = new ArrayList<>();
        try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(yaml)) {
            int index = 0;
            while (docs.hasNext()) {
                JsonNode doc = docs.next();
                index++;
                if (doc == null || doc.isNull() || doc.isMissingNode()) {
                    continue;
                }
                objects.add(toTyped(doc, source + ", document " + index));
            }
        } catch (IOException e) {
            throw new AssertionError("not YAML: " + source + ": " + e.getMessage(), e);
        }
        return new Rendered(objects);
    }

    static Object toTyped(JsonNode doc, String where) {
        String apiVersion = doc.path("apiVersion").asText("");
        String kind = doc.path("kind").asText("");
        String name = doc.path("metadata").path("name").asText("<no name>");
        Class<?> model = KINDS.get(apiVersion + "/" + kind);
        if (model == null) {
            throw new AssertionError(
                    where
                            + ": "
                            + apiVersion
                            + " "
                            + kind
                            + " "
                            + name
                            + " is not a kind this "
                            + "deployment may contain (or not at that apiVersion); known: "
                            + KINDS.keySet());
        }
        try {
            return MAPPER.treeToValue(doc, model);
        } catch (IOException e) {
            throw new AssertionError(
                    where
                            + ": "
                            + kind
                            + " "
                            + name
                            + " does not match the "
                            + model.getName()
                            + " model: "
                            + e.getMessage(),
                    e);
        }
    }

    private static ObjectMapper strictMapper() {
        SimpleModule noAnySetters = new SimpleModule("no-any-setters");
        noAnySetters.setDeserializerModifier(
                new BeanDeserializerModifier() {
                    @Override
                    public BeanDeserializerBuilder updateBuilder(
                            DeserializationConfig config,
                            BeanDescription description,
                            BeanDeserializerBuilder builder) {
                        Class<?> type = description.getBeanClass();
                        String pkg = type.getPackageName();
                        boolean model =
                                pkg.startsWith("io.fabric8.kubernetes.api.model")
                                        || pkg.startsWith("io.strimzi.api");
                        if (model && !GenericKubernetesResource.class.isAssignableFrom(type)) {
                            builder.setAnySetter(null);
                        }
                        return builder;
                    }
                });
        JsonMapper mapper =
                JsonMapper.builder()
                        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                        .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                        .addModule(noAnySetters)
                        .build();
        // The API server's typing: no "1" for an integer, no "true" for a boolean, no 16 for a
        // string.
        for (LogicalType numberOrFlag :
                List.of(LogicalType.Integer, LogicalType.Float, LogicalType.Boolean)) {
            mapper.coercionConfigFor(numberOrFlag)
                    .setCoercion(CoercionInputShape.String, CoercionAction.Fail);
        }
        for (CoercionInputShape scalar :
                List.of(
                        CoercionInputShape.Integer,
                        CoercionInputShape.Float,
                        CoercionInputShape.Boolean)) {
            mapper.coercionConfigFor(LogicalType.Textual).setCoercion(scalar, CoercionAction.Fail);
        }
        return mapper;
    }
}
