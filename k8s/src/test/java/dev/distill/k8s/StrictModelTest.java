package dev.distill.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import org.junit.jupiter.api.Test;

/**
 * The typed parsing is strict: what the API server (or the operator) would reject or ignore fails
 * here.
 */
class StrictModelTest {

    private static final String DEPLOYMENT =
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: d
            spec:
              selector:
                matchLabels: {app: d}
              template:
                metadata:
                  labels: {app: d}
                spec:
                  containers:
                    - name: c
                      image: example/c:1.0.0
                      securityContext:
                        %s: true
            """;

    @Test
    void aWellFormedDeploymentParsesIntoTheTypedModel() {
        Rendered r = StrictModel.parse(DEPLOYMENT.formatted("readOnlyRootFilesystem"), "test");
        Deployment d = assertInstanceOf(Deployment.class, r.objects().get(0));
        assertTrue(
                d.getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getSecurityContext()
                        .getReadOnlyRootFilesystem());
    }

    @Test
    void aMisspeltKubernetesFieldIsRejectedNotKeptAsAnExtraProperty() {
        // fabric8 would silently keep "readOnlyRootFileSystem" (capital S) in additionalProperties:
        // the container would run with a writable root filesystem.
        AssertionError e =
                assertThrows(
                        AssertionError.class,
                        () ->
                                StrictModel.parse(
                                        DEPLOYMENT.formatted("readOnlyRootFileSystem"), "test"));
        assertTrue(e.getMessage().contains("readOnlyRootFileSystem"), e.getMessage());
    }

    @Test
    void aStringWhereTheApiWantsABooleanIsRejected() {
        String quoted =
                DEPLOYMENT.formatted("readOnlyRootFilesystem").replace(": true", ": \"true\"");
        assertThrows(AssertionError.class, () -> StrictModel.parse(quoted, "test"));
    }

    @Test
    void aMisspeltStrimziFieldIsRejected() {
        String topic =
                """
                apiVersion: kafka.strimzi.io/v1
                kind: KafkaTopic
                metadata:
                  name: t
                  labels: {strimzi.io/cluster: distill}
                spec:
                  partitions: 1
                  %s: 3
                """;
        assertInstanceOf(
                KafkaTopic.class,
                StrictModel.parse(topic.formatted("replicas"), "test").objects().get(0));
        AssertionError e =
                assertThrows(
                        AssertionError.class,
                        () -> StrictModel.parse(topic.formatted("replication"), "test"));
        assertTrue(e.getMessage().contains("replication"), e.getMessage());
    }

    @Test
    void aKedaTriggerParameterMustBeAString() {
        String scaledObject =
                """
                apiVersion: keda.sh/v1alpha1
                kind: ScaledObject
                metadata: {name: s}
                spec:
                  scaleTargetRef: {name: d}
                  triggers:
                    - type: kafka
                      metadata:
                        lagThreshold: %s
                """;
        ScaledObject ok =
                assertInstanceOf(
                        ScaledObject.class,
                        StrictModel.parse(scaledObject.formatted("\"16\""), "test")
                                .objects()
                                .get(0));
        assertEquals("16", ok.spec().triggers().get(0).metadata().get("lagThreshold"));
        assertThrows(
                AssertionError.class,
                () -> StrictModel.parse(scaledObject.formatted("16"), "test"));
        assertThrows(
                AssertionError.class,
                () ->
                        StrictModel.parse(
                                scaledObject
                                        .formatted("\"16\"")
                                        .replace("scaleTargetRef", "scaleTarget"),
                                "test"));
    }

    @Test
    void aKindOrApiVersionTheDeploymentDoesNotUseIsRejected() {
        String oldTopicApi =
                """
                apiVersion: kafka.strimzi.io/v1beta2
                kind: KafkaTopic
                metadata: {name: t}
                spec: {partitions: 1}
                """;
        AssertionError e =
                assertThrows(AssertionError.class, () -> StrictModel.parse(oldTopicApi, "test"));
        assertTrue(e.getMessage().contains("v1beta2"), e.getMessage());
    }
}
