package dev.distill.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distill.localstack.PlatformAcls;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.kafka.KafkaAuthorizationSimple;
import io.strimzi.api.kafka.model.kafka.listener.GenericKafkaListener;
import io.strimzi.api.kafka.model.kafka.listener.KafkaListenerAuthenticationScramSha512;
import io.strimzi.api.kafka.model.user.KafkaUser;
import io.strimzi.api.kafka.model.user.KafkaUserAuthorizationSimple;
import io.strimzi.api.kafka.model.user.KafkaUserScramSha512ClientAuthentication;
import io.strimzi.api.kafka.model.user.acl.AclOperation;
import io.strimzi.api.kafka.model.user.acl.AclResourcePatternType;
import io.strimzi.api.kafka.model.user.acl.AclRule;
import io.strimzi.api.kafka.model.user.acl.AclRuleGroupResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleTopicResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleTransactionalIdResource;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.acl.AclBinding;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Kafka on Kubernetes authenticates and authorises every client: TLS + SCRAM on every listener,
 * Kafka's ACL authorizer, one KafkaUser per service with exactly the local stack's least-privilege
 * ACLs (so the local secured run tests the rights deployed here), and each pod authenticating as
 * its own user, with the cluster CA mounted read-only.
 */
class KafkaSecurityTest {

    static List<String> overlays() {
        return Kustomize.overlays();
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyListenerHasTlsAndScramAndKafkaAuthorisesByAcl(String overlay) {
        Kafka kafka = Kustomize.overlay(overlay).kafka();
        List<GenericKafkaListener> listeners = kafka.getSpec().getKafka().getListeners();
        assertFalse(listeners.isEmpty());
        for (GenericKafkaListener l : listeners) {
            assertTrue(l.isTls(), overlay + ": listener " + l.getName() + " without TLS");
            assertTrue(
                    l.getAuth() instanceof KafkaListenerAuthenticationScramSha512,
                    overlay + ": listener " + l.getName() + " without SCRAM-SHA-512");
        }
        assertTrue(
                kafka.getSpec().getKafka().getAuthorization() instanceof KafkaAuthorizationSimple,
                overlay + ": no ACL authorizer");
        assertNotNull(
                kafka.getSpec().getEntityOperator().getUserOperator(),
                overlay + ": nothing reconciles the KafkaUsers");
    }

    /** One ACL as a comparable line: principal, resource type, name, pattern, operation. */
    static String line(String service, String type, String name, String pattern, String op) {
        return String.join(" ", service, type, name, pattern, op).toLowerCase(Locale.ROOT);
    }

    static Set<String> manifestAcls(KafkaUser user) {
        Set<String> out = new TreeSet<>();
        String service = user.getMetadata().getName();
        for (AclRule rule :
                ((KafkaUserAuthorizationSimple) user.getSpec().getAuthorization()).getAcls()) {
            String type;
            String name;
            AclResourcePatternType pattern;
            if (rule.getResource() instanceof AclRuleTopicResource t) {
                type = "topic";
                name = t.getName();
                pattern = t.getPatternType();
            } else if (rule.getResource() instanceof AclRuleGroupResource g) {
                type = "group";
                name = g.getName();
                pattern = g.getPatternType();
            } else if (rule.getResource() instanceof AclRuleTransactionalIdResource x) {
                type = "transactional_id";
                name = x.getName();
                pattern = x.getPatternType();
            } else {
                throw new AssertionError(
                        service + ": unexpected ACL resource " + rule.getResource());
            }
            String patternName = pattern == AclResourcePatternType.PREFIX ? "prefixed" : "literal";
            for (AclOperation op : rule.getOperations()) {
                out.add(line(service, type, name, patternName, op.toValue()));
            }
        }
        return out;
    }

    static Set<String> localAcls(String service) {
        Set<String> out = new TreeSet<>();
        for (AclBinding b : PlatformAcls.of(service)) {
            assertEquals("User:" + service, b.entry().principal());
            out.add(
                    line(
                            service,
                            b.pattern().resourceType().name(),
                            b.pattern().name(),
                            b.pattern().patternType().name(),
                            b.entry().operation().name()));
        }
        return out;
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void eachServiceAndThePromptLoaderHaveTheirOwnScramUserWithExactlyTheLocalStacksAcls(
            String overlay) {
        Rendered r = Kustomize.overlay(overlay);
        String cluster = r.kafka().getMetadata().getName();
        for (String service : PlatformAcls.USERS) {
            KafkaUser user = r.get(KafkaUser.class, service);
            assertEquals(cluster, user.getMetadata().getLabels().get("strimzi.io/cluster"));
            assertTrue(
                    user.getSpec().getAuthentication()
                            instanceof KafkaUserScramSha512ClientAuthentication,
                    service);
            assertEquals(localAcls(service), manifestAcls(user), overlay + ": " + service);
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void eachPodAuthenticatesAsItsOwnUserAndTrustsTheClusterCaMountedReadOnly(String overlay) {
        Rendered r = Kustomize.overlay(overlay);
        String caSecret = r.kafka().getMetadata().getName() + "-cluster-ca-cert";
        for (String service : PlatformAcls.SERVICES) {
            Container c = Rendered.mainContainer(r.deployment(service));
            Map<String, String> env = r.environment(c);
            assertEquals("SASL_SSL", env.get("KAFKA_SECURITY_PROTOCOL"), service);
            assertEquals("SCRAM-SHA-512", env.get("KAFKA_SASL_MECHANISM"), service);
            assertFalse(env.containsKey("KAFKA_SASL_JAAS_CONFIG"), "not in the environment");
            // The user's Secret, mounted read-only where the service reads one setting per file.
            Path settings = Path.of(env.get("SMALLRYE_CONFIG_SOURCE_FILE_LOCATIONS"));
            VolumeMount userMount =
                    c.getVolumeMounts().stream()
                            .filter(m -> settings.equals(Path.of(m.getMountPath())))
                            .findFirst()
                            .orElseThrow(() -> new AssertionError(service + ": no user mount"));
            assertEquals(Boolean.TRUE, userMount.getReadOnly(), service);
            Volume user = volume(r, service, userMount);
            assertEquals(
                    service,
                    user.getSecret().getSecretName(),
                    service + " authenticates as its own KafkaUser");
            assertEquals(
                    List.of("sasl.jaas.config -> kafka.sasl.jaas.config"),
                    user.getSecret().getItems().stream()
                            .map(i -> i.getKey() + " -> " + i.getPath())
                            .toList());
            assertEquals("PEM", env.get("KAFKA_SSL_TRUSTSTORE_TYPE"), service);
            Path trustStore = Path.of(env.get("KAFKA_SSL_TRUSTSTORE_LOCATION"));
            VolumeMount mount =
                    c.getVolumeMounts().stream()
                            .filter(m -> trustStore.startsWith(m.getMountPath()))
                            .findFirst()
                            .orElseThrow(() -> new AssertionError(service + ": no CA mount"));
            assertEquals(Boolean.TRUE, mount.getReadOnly(), service);
            Volume v = volume(r, service, mount);
            assertEquals(caSecret, v.getSecret().getSecretName(), service);
        }
    }

    static Volume volume(Rendered r, String deployment, VolumeMount mount) {
        return r.deployment(deployment).getSpec().getTemplate().getSpec().getVolumes().stream()
                .filter(x -> x.getName().equals(mount.getName()))
                .findFirst()
                .orElseThrow(
                        () -> new AssertionError(deployment + ": no volume " + mount.getName()));
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void noCredentialIsInAConfigMap(String overlay) {
        for (ConfigMap cm : Kustomize.overlay(overlay).all(ConfigMap.class)) {
            for (Map.Entry<String, String> e : cm.getData().entrySet()) {
                assertFalse(
                        e.getKey().contains("JAAS")
                                || e.getKey().contains("PASSWORD")
                                || e.getValue().contains("password="),
                        cm.getMetadata().getName() + ": " + e.getKey());
            }
        }
    }

    @org.junit.jupiter.api.Test
    void prodsRegistryStorageAuthenticatesAsItsOwnUserOverTls() {
        Rendered r = Kustomize.overlay("prod");
        Container c = Rendered.mainContainer(r.deployment("apicurio-registry"));
        Map<String, String> env = r.environment(c);
        assertEquals("kafkasql", env.get("APICURIO_STORAGE_KIND"));
        assertEquals("SASL_SSL", env.get("APICURIO_KAFKA_COMMON_SECURITY_PROTOCOL"));
        assertEquals("SCRAM-SHA-512", env.get("APICURIO_KAFKA_COMMON_SASL_MECHANISM"));
        assertEquals(
                Rendered.SECRET + "apicurio-registry/sasl.jaas.config",
                env.get("APICURIO_KAFKA_COMMON_SASL_JAAS_CONFIG"));
        assertEquals("false", env.get("APICURIO_KAFKASQL_TOPIC_AUTO_CREATE"));
        assertFalse(
                env.keySet().stream().anyMatch(k -> k.contains("TRUSTSTORE_PASSWORD")),
                "a PEM trust store takes no password (kafka-clients refuses one)");
        Path trustStore = Path.of(env.get("APICURIO_KAFKA_COMMON_SSL_TRUSTSTORE_LOCATION"));
        assertTrue(
                c.getVolumeMounts().stream()
                        .anyMatch(
                                m ->
                                        trustStore.startsWith(m.getMountPath())
                                                && Boolean.TRUE.equals(m.getReadOnly())),
                "the cluster CA is mounted read-only");

        KafkaUser user = r.get(KafkaUser.class, "apicurio-registry");
        Set<String> topics = new TreeSet<>();
        for (AclRule rule :
                ((KafkaUserAuthorizationSimple) user.getSpec().getAuthorization()).getAcls()) {
            if (rule.getResource() instanceof AclRuleTopicResource t) {
                topics.add(t.getName());
                assertTrue(
                        r.topicsByName().containsKey(t.getName()),
                        t.getName() + " is declared, since the registry may not create topics");
                assertFalse(rule.getOperations().contains(AclOperation.ALL), rule.toString());
            }
        }
        assertEquals(Set.of("kafkasql-journal", "kafkasql-snapshots", "registry-events"), topics);
    }

    @org.junit.jupiter.api.Test
    void prodsAutoscalerReadsTheLagAsItsOwnDescribeOnlyUserOverTls() {
        Rendered r = Kustomize.overlay("prod");
        for (ScaledObject so : r.all(ScaledObject.class)) {
            for (ScaledObject.Trigger t : so.spec().triggers()) {
                if (!t.type().equals("kafka")) {
                    continue;
                }
                assertEquals("scram_sha512", t.metadata().get("sasl"));
                assertEquals("enable", t.metadata().get("tls"));
                assertFalse("true".equals(t.metadata().get("unsafeSsl")));
                TriggerAuthentication auth =
                        r.all(TriggerAuthentication.class).stream()
                                .filter(
                                        a ->
                                                a.metadata()
                                                        .getName()
                                                        .equals(t.authenticationRef().name()))
                                .findFirst()
                                .orElseThrow(
                                        () -> new AssertionError("no " + t.authenticationRef()));
                Map<String, String> from = new java.util.HashMap<>();
                auth.spec()
                        .secretTargetRef()
                        .forEach(x -> from.put(x.parameter(), x.name() + "/" + x.key()));
                assertEquals("keda-scaler/password", from.get("password"));
                assertEquals(
                        r.kafka().getMetadata().getName() + "-cluster-ca-cert/ca.crt",
                        from.get("ca"));
                io.fabric8.kubernetes.api.model.Secret names =
                        r.get(
                                io.fabric8.kubernetes.api.model.Secret.class,
                                from.get("username").split("/")[0]);
                String key = from.get("username").split("/")[1];
                String user =
                        names.getStringData() != null && names.getStringData().containsKey(key)
                                ? names.getStringData().get(key)
                                : new String(
                                        java.util.Base64.getDecoder()
                                                .decode(names.getData().get(key)));
                assertEquals("keda-scaler", user);
            }
        }
        KafkaUser keda = r.get(KafkaUser.class, "keda-scaler");
        for (AclRule rule :
                ((KafkaUserAuthorizationSimple) keda.getSpec().getAuthorization()).getAcls()) {
            assertEquals(List.of(AclOperation.DESCRIBE), rule.getOperations(), rule.toString());
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void noKafkaUserWritesToAWildcard(String overlay) {
        List<KafkaUser> users = Kustomize.overlay(overlay).all(KafkaUser.class);
        assertTrue(users.size() >= PlatformAcls.SERVICES.size());
        for (KafkaUser user : users) {
            for (AclRule rule :
                    ((KafkaUserAuthorizationSimple) user.getSpec().getAuthorization()).getAcls()) {
                boolean readOnly =
                        rule.getOperations().stream()
                                .allMatch(
                                        o -> o == AclOperation.READ || o == AclOperation.DESCRIBE);
                String name =
                        rule.getResource() instanceof AclRuleTopicResource t
                                ? t.getName()
                                : rule.getResource() instanceof AclRuleGroupResource g
                                        ? g.getName()
                                        : rule.getResource()
                                                        instanceof AclRuleTransactionalIdResource x
                                                ? x.getName()
                                                : "cluster";
                assertTrue(
                        readOnly || !(name.equals("*") || name.equals("cluster")),
                        overlay + ": " + user.getMetadata().getName() + " writes " + rule);
            }
        }
    }

    @org.junit.jupiter.api.Test
    void prodsRegistryTakesWritesOnlyFromTheRegistrarAndTheServicesDoNotRegister() {
        Rendered r = Kustomize.overlay("prod");
        Map<String, String> env =
                r.environment(Rendered.mainContainer(r.deployment("apicurio-registry")));
        assertEquals("true", env.get("QUARKUS_HTTP_AUTH_BASIC"));
        assertEquals("true", env.get("APICURIO_AUTH_ROLE_BASED_AUTHORIZATION"));
        assertEquals(
                Rendered.SECRET + "apicurio-registry-registrar/password",
                env.get("QUARKUS_SECURITY_USERS_EMBEDDED_USERS_REGISTRAR"),
                "the registrar's password comes from a Secret");
        for (String deletion : List.of("GROUP", "ARTIFACT", "ARTIFACT_VERSION")) {
            assertEquals("false", env.get("APICURIO_REST_DELETION_" + deletion + "_ENABLED"));
        }
        for (String service : PlatformAcls.SERVICES) {
            Map<String, String> s = r.environment(Rendered.mainContainer(r.deployment(service)));
            String prefix =
                    service.equals("producer-teacher")
                            ? "PRODUCER"
                            : service.equals("trainer-student") ? "TRAINER" : "EVALUATOR";
            assertEquals("false", s.get("DISTILL_" + prefix + "_REGISTER_SCHEMAS"), service);
        }
    }
}
