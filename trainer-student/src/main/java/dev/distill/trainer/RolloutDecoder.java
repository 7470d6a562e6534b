package dev.distill.trainer;

import dev.distill.core.data.Rollout;
import dev.distill.core.model.ModelConfig;
import dev.distill.platform.codec.RolloutCodec;
import dev.distill.platform.kafka.AvroDecoder;
import dev.distill.platform.kafka.DeadLetters;
import dev.distill.platform.kafka.Sources;
import dev.distill.platform.kafka.TransientFailureException;
import dev.distill.schemas.avro.DeadLetter;
import java.util.Comparator;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jboss.logging.Logger;

/**
 * Turns a rollouts-topic record into a trainable rollout, a dead letter, or nothing (another
 * run's). The live loop and replay share it, so replay keeps and drops exactly what the loop did.
 */
final class RolloutDecoder implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(RolloutDecoder.class);
    private static final String SERVICE = "trainer-student";

    /** One polled record: a rollout, or a dead letter, or neither (not this run's). */
    record Polled(ConsumerRecord<String, byte[]> record, Rollout rollout, DeadLetter deadLetter) {}

    private final String runId;
    private final AvroDecoder<dev.distill.schemas.avro.Rollout> avro;

    RolloutDecoder(TrainerSettings s) {
        this.runId = s.runId();
        this.avro = new AvroDecoder<>(s.registryUrl(), dev.distill.schemas.avro.Rollout.class);
    }

    /** (partition, offset) order: replay reads the same ranges and must train in the same order. */
    static void sortForTraining(List<Polled> round) {
        round.sort(
                Comparator.<Polled>comparingInt(p -> p.record().partition())
                        .thenComparingLong(p -> p.record().offset()));
    }

    Polled decode(ConsumerRecord<String, byte[]> r, ModelConfig model) {
        try {
            Rollout rollout = RolloutCodec.toCore(avro.decode(r), Sources.of(r));
            if (!rollout.runId().equals(runId)) {
                return new Polled(
                        r, null,
                        null); // another run's rollout on a shared topic: not ours, not poison
            }
            rollout.validate(model.vocabSize(), model.nPositions());
            return new Polled(r, rollout, null);
        } catch (RuntimeException e) {
            // Undecodable bytes, a record that fails validation, or one the codec cannot map: all
            // poison here, unless the registry could not be reached (then the round is retried).
            TransientFailureException.rethrowIfTransient(e);
            LOG.warnf("dead-lettering %s: %s", Sources.of(r), e.getMessage());
            return new Polled(r, null, DeadLetters.of(r, e, SERVICE));
        }
    }

    @Override
    public void close() {
        avro.close();
    }
}
