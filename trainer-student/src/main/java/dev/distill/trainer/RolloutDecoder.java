package dev.distill.trainer;

import dev.distill.core.data.InvalidRolloutException;
import dev.distill.core.data.Rollout;
import dev.distill.schemas.DeadLetters;
import dev.distill.schemas.RolloutCodec;
import dev.distill.schemas.avro.DeadLetter;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jboss.logging.Logger;

import java.util.Comparator;
import java.util.List;

/**
 * Turns a rollouts-topic record into a trainable rollout, a dead letter, or nothing (another run's).
 * The live loop and replay share it, so replay keeps and drops exactly what the loop did.
 */
final class RolloutDecoder implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(RolloutDecoder.class);
    private static final String SERVICE = "trainer-student";

    /** One polled record: a rollout, or a dead letter, or neither (not this run's). */
    record Polled(ConsumerRecord<String, byte[]> record, Rollout rollout, DeadLetter deadLetter) {}

    private final String runId;
    private final AvroKafkaDeserializer<dev.distill.schemas.avro.Rollout> avro = new AvroKafkaDeserializer<>();

    RolloutDecoder(TrainerSettings s) {
        this.runId = s.runId();
        avro.configure(KafkaClients.avro(s), false);
    }

    /** (partition, offset) order: replay reads the same ranges and must train in the same order. */
    static void sortForTraining(List<Polled> round) {
        round.sort(Comparator.<Polled>comparingInt(p -> p.record().partition()).thenComparingLong(p -> p.record().offset()));
    }

    Polled decode(ConsumerRecord<String, byte[]> r, int vocab) {
        String source = r.topic() + "-" + r.partition() + "@" + r.offset();
        try {
            if (r.value() == null) {
                throw new IllegalArgumentException("record has no value");
            }
            if (r.value().length < 5 || r.value()[0] != 0) {
                throw new IllegalArgumentException("value is not in the Confluent wire format (magic byte 0, 4-byte "
                        + "schema id, Avro): " + r.value().length + " bytes starting with " + (r.value().length == 0 ? "nothing"
                        : String.format("0x%02x", r.value()[0])));
            }
            Rollout rollout = RolloutCodec.toCore(avro.deserialize(r.topic(), r.headers(), r.value()), source);
            if (!rollout.runId().equals(runId)) {
                return new Polled(r, null, null); // another run's rollout on a shared topic: not ours, not poison
            }
            rollout.validate(vocab);
            return new Polled(r, rollout, null);
        } catch (InvalidRolloutException | IllegalArgumentException e) {
            LOG.warnf("dead-lettering %s: %s", source, e.getMessage());
            return new Polled(r, null, DeadLetters.of(r.topic(), r.partition(), r.offset(), r.key(), r.value(), e, SERVICE));
        } catch (RuntimeException e) {
            // The serde wraps registry and Avro errors in assorted runtime exceptions: all mean "cannot decode".
            LOG.warnf("dead-lettering undecodable %s: %s", source, e.getMessage());
            return new Polled(r, null, DeadLetters.of(r.topic(), r.partition(), r.offset(), r.key(), r.value(), e, SERVICE));
        }
    }

    @Override
    public void close() {
        avro.close();
    }
}
