package dev.distill.cli.support;

import dev.distill.schemas.Topics;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * Creates the platform's topics on a local broker (Kubernetes declares them as KafkaTopic resources
 * instead).
 */
public final class PlatformTopics {
    private PlatformTopics() {}

    /**
     * Prompts and rollouts get {@code partitions} partitions so producers can scale out; the rest
     * one, for order.
     */
    public static void create(Map<String, Object> adminClient, int partitions)
            throws ExecutionException, InterruptedException {
        try (Admin admin = Admin.create(adminClient)) {
            admin.createTopics(
                            List.of(
                                    new NewTopic(Topics.PROMPTS, partitions, (short) 1),
                                    new NewTopic(Topics.ROLLOUTS, partitions, (short) 1),
                                    new NewTopic(Topics.CHECKPOINTS, 1, (short) 1),
                                    new NewTopic(Topics.EVALUATIONS, 1, (short) 1),
                                    new NewTopic(Topics.DEAD_LETTERS, 1, (short) 1)))
                    .all()
                    .get();
        }
    }
}
