package dev.distill.cli.demo;

import dev.distill.core.data.HeldOutItem;
import dev.distill.core.data.Shuffle;
import dev.distill.core.data.TaskItem;
import dev.distill.platform.kafka.ClientConfigs;
import dev.distill.schemas.Topics;
import dev.distill.schemas.avro.Prompt;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Publishes the run's training prompts, the rounds that are due together in one transaction. The
 * demo paces the rounds by the checkpoints: MiniLLM is on-policy, so prompts published far ahead
 * would be sampled by an old student and dropped as stale by the trainer.
 *
 * <p>Why one transaction for rounds due at the same moment: under Kafka's transaction protocol 2
 * the partition leader checks each transaction's first batch with the coordinator. A transaction
 * begun right after the previous commit can find the coordinator still writing that commit's
 * markers; the first batch then fails with CONCURRENT_TRANSACTIONS and the batches pipelined behind
 * it on the same partition with OUT_OF_ORDER_SEQUENCE_NUMBER, all retried (nothing is lost or
 * doubled, but the producer warns). Starting the run used to commit two rounds back to back.
 */
final class PromptFeeder implements AutoCloseable {
    private final KafkaProducer<String, Object> producer;
    private final String runId;
    private final List<TaskItem> order;
    private int next;
    private int published;
    private long toppedUp;
    private final Set<String> ids = new HashSet<>();

    PromptFeeder(
            String bootstrap, String registryUrl, String runId, List<TaskItem> train, long seed) {
        this.runId = runId;
        this.order = shuffled(train, seed);
        this.producer =
                new KafkaProducer<>(
                        ClientConfigs.transactionalProducer(
                                bootstrap, registryUrl, "distill-prompts-demo-" + runId));
        producer.initTransactions();
    }

    /**
     * Publishes the next {@code rounds} rounds of {@code perRound} prompts (wrapping around the
     * items).
     */
    void publishRounds(int rounds, int perRound) {
        if (rounds <= 0) {
            return;
        }
        publish(rounds * perRound);
        published += rounds;
    }

    /**
     * Publishes {@code n} more prompts outside the rounds, in place of prompts that were
     * dead-lettered, so that every round still fills.
     */
    void topUp(long n) {
        if (n > 0) {
            publish((int) n);
            toppedUp += n;
        }
    }

    long toppedUp() {
        return toppedUp;
    }

    /** The ids of every prompt published so far. */
    Set<String> ids() {
        return ids;
    }

    private void publish(int n) {
        producer.beginTransaction();
        try {
            for (int i = 0; i < n; i++) {
                HeldOutItem item = order.get(next % order.size()).item();
                String id =
                        item.id() + "@" + next; // unique per run even when the items wrap around
                next++;
                ids.add(id);
                producer.send(
                        new ProducerRecord<>(
                                Topics.PROMPTS,
                                id,
                                Prompt.newBuilder()
                                        .setId(id)
                                        .setRunId(runId)
                                        .setInstruction(item.instruction())
                                        .setContext(item.context())
                                        .setReferences(item.references())
                                        .setSource("data/suite train")
                                        .setCreatedAt(Instant.now())
                                        .build()));
            }
            producer.commitTransaction();
        } catch (RuntimeException e) {
            producer.abortTransaction();
            throw e;
        }
    }

    int roundsPublished() {
        return published;
    }

    private static List<TaskItem> shuffled(List<TaskItem> items, long seed) {
        return Shuffle.of(items, new SplittableRandom(seed));
    }

    @Override
    public void close() {
        producer.close();
    }
}
