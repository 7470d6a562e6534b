package dev.distill.evaluator.leaderboard;

import dev.distill.schemas.avro.DeadLetter;
import dev.distill.schemas.avro.EvalReport;
import java.util.List;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The leaderboard topology: distill.evaluations (key = runId) -> per run, the history of scored
 * checkpoints and the best by Rouge-L, in the queryable store {@link #STORE}; undecodable reports
 * go to the dead letters. Run with processing.guarantee=exactly_once_v2, so a report counts once
 * even across crashes.
 */
public final class Leaderboard {
    public static final String STORE = "leaderboard";

    private Leaderboard() {}

    public static Topology build(
            String evaluationsTopic,
            String deadLettersTopic,
            Deserializer<EvalReport> reports,
            Serde<DeadLetter> deadLetters) {
        StreamsBuilder builder = new StreamsBuilder();
        KStream<String, DecodeEvalReport.Decoded> decoded =
                builder.stream(evaluationsTopic, Consumed.with(Serdes.String(), Serdes.ByteArray()))
                        .processValues(() -> new DecodeEvalReport(reports));
        decoded.filter((runId, d) -> d.deadLetter() != null)
                .mapValues(DecodeEvalReport.Decoded::deadLetter)
                .to(deadLettersTopic, Produced.with(Serdes.String(), deadLetters));
        decoded.filter((runId, d) -> d.report() != null)
                .mapValues(d -> CheckpointScore.of(d.report()))
                // Keyed by run already (checked while decoding): no repartition topic.
                .groupByKey()
                .aggregate(
                        () -> new RunStanding(null, null, List.of()),
                        (runId, score, standing) ->
                                (standing.runId() == null ? RunStanding.empty(runId) : standing)
                                        .with(score),
                        Materialized.<String, RunStanding, KeyValueStore<Bytes, byte[]>>as(STORE)
                                .withKeySerde(Serdes.String())
                                .withValueSerde(new JsonSerde<>(RunStanding.class)));
        return builder.build();
    }
}
