package dev.distill.evaluator.leaderboard;

import dev.distill.evaluator.EvaluatorConfig;
import dev.distill.platform.kafka.WireFormat;
import dev.distill.schemas.avro.DeadLetter;
import dev.distill.schemas.avro.EvalReport;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.util.HashMap;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;

/** Hands the leaderboard topology, wired to the registry's serdes, to Quarkus' Kafka Streams. */
@ApplicationScoped
public class LeaderboardTopology {

    @Produces
    Topology leaderboard(EvaluatorConfig config) {
        var serdeConfig = new HashMap<String, Object>(WireFormat.serdeConfig(config.registryUrl()));
        serdeConfig.put(WireFormat.AUTO_REGISTER, String.valueOf(config.registerSchemas()));
        AvroKafkaDeserializer<EvalReport> reports = new AvroKafkaDeserializer<>();
        reports.configure(serdeConfig, false);
        AvroKafkaSerializer<DeadLetter> deadLetterWriter = new AvroKafkaSerializer<>();
        deadLetterWriter.configure(serdeConfig, false);
        Serde<DeadLetter> deadLetters =
                Serdes.serdeFrom(deadLetterWriter, new AvroKafkaDeserializer<>());
        return Leaderboard.build(
                config.topics().evaluations(), config.topics().deadLetters(), reports, deadLetters);
    }
}
