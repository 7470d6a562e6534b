package dev.distill.producer;

import dev.distill.schemas.ClientConfigs;
import dev.distill.schemas.WireFormat;

import java.util.HashMap;
import java.util.Map;

/** Client configurations: prompts in, rollouts out, exactly once across a consumer group of producers. */
final class KafkaClients {
    private KafkaClients() {}

    static Map<String, Object> avro(ProducerSettings s) {
        return new HashMap<>(WireFormat.serdeConfig(s.registryUrl()));
    }

    /** One batch per poll; sampling a batch can take a while on CPU and must not get the member evicted. */
    static Map<String, Object> promptConsumer(ProducerSettings s) {
        return ClientConfigs.bytesConsumer(s.bootstrapServers(), s.groupId(), s.batchSize(), 600_000);
    }

    /** Reads every checkpoint event (no group: each instance follows the whole topic). */
    static Map<String, Object> checkpointConsumer(ProducerSettings s) {
        return ClientConfigs.avroConsumer(s.bootstrapServers(), s.registryUrl());
    }

    static Map<String, Object> producer(ProducerSettings s) {
        return ClientConfigs.transactionalProducer(s.bootstrapServers(), s.registryUrl(), s.transactionalId());
    }
}
