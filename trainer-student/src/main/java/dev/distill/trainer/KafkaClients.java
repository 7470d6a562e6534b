package dev.distill.trainer;

import dev.distill.schemas.ClientConfigs;
import dev.distill.schemas.WireFormat;

import java.util.HashMap;
import java.util.Map;

/** The trainer's clients: exactly-once between rollouts consumed and checkpoints published. */
final class KafkaClients {
    private KafkaClients() {}

    /** At most one round per poll keeps the overshoot small; a round may take minutes on CPU. */
    static Map<String, Object> consumer(TrainerSettings s) {
        return ClientConfigs.bytesConsumer(s.bootstrapServers(), s.groupId(), Math.max(1, s.rolloutsPerRound()), 1_800_000);
    }

    static Map<String, Object> avro(TrainerSettings s) {
        return new HashMap<>(WireFormat.serdeConfig(s.registryUrl()));
    }

    static Map<String, Object> producer(TrainerSettings s) {
        return ClientConfigs.transactionalProducer(s.bootstrapServers(), s.registryUrl(), s.transactionalId());
    }
}
