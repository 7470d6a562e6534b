package dev.distill.evaluator.leaderboard;

import dev.distill.localstack.LocalStack;
import dev.distill.schemas.Topics;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * A real broker and registry for the evaluator's Kafka Streams tests, with the platform's topics
 * created.
 */
public class LocalStackResource implements QuarkusTestResourceLifecycleManager {
    static LocalStack stack;

    @Override
    public Map<String, String> start() {
        stack = LocalStack.start();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
            admin.createTopics(Topics.ALL.stream().map(t -> new NewTopic(t, 2, (short) 1)).toList())
                    .all()
                    .get();
        } catch (InterruptedException | ExecutionException e) {
            stack.close();
            throw new IllegalStateException("cannot create the platform's topics", e);
        }
        return Map.of(
                "kafka.bootstrap.servers",
                stack.bootstrapServers(),
                "distill.evaluator.registry-url",
                stack.registryUrl());
    }

    @Override
    public void stop() {
        if (stack != null) {
            stack.close();
        }
    }
}
