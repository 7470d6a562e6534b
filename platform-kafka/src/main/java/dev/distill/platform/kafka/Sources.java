package dev.distill.platform.kafka;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/** How logs, errors and lineage name a record: "topic-partition@offset". */
public final class Sources {
    private Sources() {}

    public static String of(ConsumerRecord<?, ?> r) {
        return r.topic() + "-" + r.partition() + "@" + r.offset();
    }
}
