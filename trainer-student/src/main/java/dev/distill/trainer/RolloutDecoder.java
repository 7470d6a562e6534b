package dev.distill.trainer;

import dev.distill.core.data.Rollout;
import dev.distill.core.model.ModelConfig;
import dev.distill.platform.codec.RolloutCodec;
import dev.distill.platform.kafka.AvroDecoder;
import dev.distill.platform.kafka.DeadLetters;
import dev.distill.platform.kafka.Sources;
import dev.distill.platform.kafka.TransientFailureException;
import dev.distill.schemas.avro.DeadLetter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
    record Polled(ConsumerRecord<String, byte[]> record, Rollout rollout, DeadLetter deadLetter) {
        /** This record as a dead letter with {@code reason}, logged. */
        Polled rejected(String reason) {
            LOG.warnf("dead-lettering %s: %s", Sources.of(record), reason);
            return new Polled(
                    record,
                    null,
                    DeadLetters.of(record, new IllegalArgumentException(reason), SERVICE));
        }
    }

    private final String runId;
    private final AvroDecoder<dev.distill.schemas.avro.Rollout> avro;

    RolloutDecoder(TrainerSettings s) {
        this.runId = s.runId();
        this.avro = new AvroDecoder<>(s.registryUrl(), dev.distill.schemas.avro.Rollout.class);
    }

    /**
     * A round as it is trained: in (partition, offset) order (replay reads the same ranges and must
     * train in the same order), with the rollouts no trainer may use turned into dead letters: one
     * sampled by a student version the trainer never published (newer than the round's parent), and
     * one whose prompt id the run has already trained or that is already in this round (a prompt id
     * is trained once per run; the first in offset order is kept). The live loop and replay both
     * call this, so they keep and reject the same records.
     */
    static List<Polled> prepareRound(
            List<Polled> polled, long parentVersion, TrainedPrompts trained) {
        List<Polled> ordered = new ArrayList<>(polled);
        ordered.sort(
                Comparator.<Polled>comparingInt(p -> p.record().partition())
                        .thenComparingLong(p -> p.record().offset()));
        Map<String, String> seen = new HashMap<>();
        List<Polled> out = new ArrayList<>(ordered.size());
        for (Polled p : ordered) {
            Rollout r = p.rollout();
            String reason = null;
            if (r != null && r.behaviourVersion() > parentVersion) {
                reason =
                        "rollout "
                                + r.rolloutId()
                                + " claims student v"
                                + r.behaviourVersion()
                                + ", newer than any published (the trainer is at v"
                                + parentVersion
                                + ")";
            } else if (r != null && trained.versionOf(r.promptId()) != null) {
                reason =
                        "prompt id "
                                + r.promptId()
                                + " was trained in v"
                                + trained.versionOf(r.promptId())
                                + " of this run; a prompt id is trained once per run (publish it"
                                + " under a new id to train on it again)";
            } else if (r != null && seen.containsKey("rollout " + r.rolloutId())) {
                reason =
                        "duplicate rollout id "
                                + r.rolloutId()
                                + ": already in this round at "
                                + seen.get("rollout " + r.rolloutId());
            } else if (r != null && seen.containsKey("prompt " + r.promptId())) {
                reason =
                        "duplicate prompt id "
                                + r.promptId()
                                + ": already in this round at "
                                + seen.get("prompt " + r.promptId());
            }
            if (reason == null) {
                if (r != null) {
                    seen.put("rollout " + r.rolloutId(), Sources.of(p.record()));
                    seen.put("prompt " + r.promptId(), Sources.of(p.record()));
                }
                out.add(p);
            } else {
                out.add(p.rejected(reason));
            }
        }
        return out;
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
