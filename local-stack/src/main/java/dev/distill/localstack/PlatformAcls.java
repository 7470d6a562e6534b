package dev.distill.localstack;

import static org.apache.kafka.common.acl.AclOperation.DESCRIBE;
import static org.apache.kafka.common.acl.AclOperation.READ;
import static org.apache.kafka.common.acl.AclOperation.WRITE;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * Least privilege for the three services, one principal each ({@code User:<service>}): read its
 * input topics, write its output topics and the dead letters, use its own consumer groups and
 * transactional ids (by prefix, so every run id is covered), nothing else. The evaluator's Kafka
 * Streams leaderboard also owns its internal topics, groups and transactional ids (prefix {@code
 * distill-evaluator-leaderboard-}). No ACL grants write on a wildcard.
 */
public final class PlatformAcls {
    public static final String PRODUCER = "producer-teacher";
    public static final String TRAINER = "trainer-student";
    public static final String EVALUATOR = "evaluator";
    public static final List<String> SERVICES = List.of(PRODUCER, TRAINER, EVALUATOR);

    /**
     * Whoever feeds prompts (the demo, an application, an in-cluster loader): writes
     * distill.prompts with transactional ids {@code distill-prompts-*}, nothing else.
     */
    public static final String PROMPT_LOADER = "prompt-loader";

    /** Every principal of the platform. */
    public static final List<String> USERS = List.of(PRODUCER, TRAINER, EVALUATOR, PROMPT_LOADER);

    static final String PROMPTS = "distill.prompts";
    static final String ROLLOUTS = "distill.rollouts";
    static final String CHECKPOINTS = "distill.checkpoints";
    static final String EVALUATIONS = "distill.evaluations";
    static final String DEAD_LETTERS = "distill.dead-letters";

    /** What one service may do. */
    record Rights(List<String> reads, List<String> writes, String idPrefix, String streamsPrefix) {}

    static final Map<String, Rights> RIGHTS =
            Map.of(
                    PRODUCER,
                    // reads checkpoints to follow the newest student
                    new Rights(
                            List.of(PROMPTS, CHECKPOINTS),
                            List.of(ROLLOUTS, DEAD_LETTERS),
                            "distill-producer-",
                            null),
                    TRAINER,
                    // reads its own checkpoints back on a restart and for replay
                    new Rights(
                            List.of(ROLLOUTS, CHECKPOINTS),
                            List.of(CHECKPOINTS, DEAD_LETTERS),
                            "distill-trainer-",
                            null),
                    EVALUATOR,
                    new Rights(
                            List.of(CHECKPOINTS, EVALUATIONS),
                            List.of(EVALUATIONS, DEAD_LETTERS),
                            "distill-evaluator-",
                            "distill-evaluator-leaderboard-"),
                    PROMPT_LOADER,
                    new Rights(List.of(), List.of(PROMPTS), "distill-prompts-", null));

    private PlatformAcls() {}

    /** The ACL bindings of {@code service}'s principal. */
    public static List<AclBinding> of(String service) {
        Rights r = RIGHTS.get(service);
        if (r == null) {
            throw new IllegalArgumentException(
                    "no platform user '" + service + "'; known: " + USERS);
        }
        String principal = "User:" + service;
        List<AclBinding> out = new ArrayList<>();
        for (String topic : r.reads()) {
            allow(out, principal, ResourceType.TOPIC, topic, PatternType.LITERAL, READ, DESCRIBE);
        }
        for (String topic : r.writes()) {
            allow(out, principal, ResourceType.TOPIC, topic, PatternType.LITERAL, WRITE, DESCRIBE);
        }
        List<String> prefixes =
                r.streamsPrefix() == null
                        ? List.of(r.idPrefix())
                        : List.of(r.idPrefix(), r.streamsPrefix());
        for (String prefix : prefixes) {
            if (!r.reads().isEmpty()) { // a consumer group only for who consumes
                allow(out, principal, ResourceType.GROUP, prefix, PatternType.PREFIXED, READ);
            }
            allow(
                    out,
                    principal,
                    ResourceType.TRANSACTIONAL_ID,
                    prefix,
                    PatternType.PREFIXED,
                    WRITE,
                    DESCRIBE);
        }
        if (r.streamsPrefix() != null) {
            // Streams' repartition and changelog topics: <application id>-...
            allow(
                    out,
                    principal,
                    ResourceType.TOPIC,
                    r.streamsPrefix(),
                    PatternType.PREFIXED,
                    AclOperation.ALL);
        }
        return out;
    }

    private static void allow(
            List<AclBinding> out,
            String principal,
            ResourceType type,
            String name,
            PatternType pattern,
            AclOperation... ops) {
        for (AclOperation op : ops) {
            out.add(
                    new AclBinding(
                            new ResourcePattern(type, name, pattern),
                            new AccessControlEntry(principal, "*", op, AclPermissionType.ALLOW)));
        }
    }
}
