package dev.distill.evaluator.leaderboard;

import dev.distill.platform.kafka.DeadLetters;
import dev.distill.platform.kafka.WireFormat;
import dev.distill.schemas.avro.DeadLetter;
import dev.distill.schemas.avro.EvalReport;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.jboss.logging.Logger;

/**
 * Turns the raw bytes of distill.evaluations into reports, or into dead letters that say why: a
 * poison record must not stop the leaderboard (the default handler would kill the stream thread)
 * nor vanish.
 */
final class DecodeEvalReport
        implements FixedKeyProcessor<String, byte[], DecodeEvalReport.Decoded> {
    static final String SERVICE = "evaluator-leaderboard";
    private static final Logger LOG = Logger.getLogger(DecodeEvalReport.class);

    /** Exactly one of the two is set. */
    record Decoded(EvalReport report, DeadLetter deadLetter) {}

    private final Deserializer<EvalReport> deserializer;
    private FixedKeyProcessorContext<String, Decoded> context;

    DecodeEvalReport(Deserializer<EvalReport> deserializer) {
        this.deserializer = deserializer;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, Decoded> context) {
        this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<String, byte[]> record) {
        RecordMetadata at = context.recordMetadata().orElseThrow();
        Decoded out;
        try {
            out = new Decoded(decode(at.topic(), record), null);
        } catch (RuntimeException e) {
            LOG.warnf(
                    "dead-lettering %s-%d@%d: %s",
                    at.topic(), at.partition(), at.offset(), e.getMessage());
            out =
                    new Decoded(
                            null,
                            DeadLetters.of(
                                    at.topic(),
                                    at.partition(),
                                    at.offset(),
                                    record.key(),
                                    record.value(),
                                    e,
                                    SERVICE));
        }
        context.forward(record.withValue(out));
    }

    private EvalReport decode(String topic, FixedKeyRecord<String, byte[]> record) {
        byte[] bytes = record.value();
        WireFormat.requireFramed(bytes);
        EvalReport report = deserializer.deserialize(topic, record.headers(), bytes);
        if (!report.getRunId().equals(record.key())) {
            throw new IllegalArgumentException(
                    "record key "
                            + record.key()
                            + " is not the report's run id "
                            + report.getRunId()
                            + "; reports are keyed by run");
        }
        if (!Double.isFinite(report.getRougeL())) {
            throw new IllegalArgumentException(
                    "report for v"
                            + report.getVersion()
                            + " of run "
                            + report.getRunId()
                            + " has a non-finite Rouge-L ("
                            + report.getRougeL()
                            + ")");
        }
        return report;
    }
}
