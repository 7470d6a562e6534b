package dev.distill.evaluator.leaderboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distill.schemas.avro.DeadLetter;
import dev.distill.schemas.avro.EvalReport;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LeaderboardTopologyTest {
    static final String EVALUATIONS = "distill.evaluations";
    static final String DEAD_LETTERS = "distill.dead-letters";

    TopologyTestDriver driver;
    TestInputTopic<String, EvalReport> reports;
    TestInputTopic<String, byte[]> raw;
    TestOutputTopic<String, DeadLetter> deadLetters;
    KeyValueStore<String, RunStanding> store;

    @BeforeEach
    void start() {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "leaderboard-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        driver =
                new TopologyTestDriver(
                        Leaderboard.build(
                                EVALUATIONS,
                                DEAD_LETTERS,
                                PlainAvro.deserializer(EvalReport.class),
                                PlainAvro.serde(DeadLetter.class)),
                        props);
        reports =
                driver.createInputTopic(
                        EVALUATIONS, Serdes.String().serializer(), PlainAvro.serializer());
        raw =
                driver.createInputTopic(
                        EVALUATIONS, Serdes.String().serializer(), Serdes.ByteArray().serializer());
        deadLetters =
                driver.createOutputTopic(
                        DEAD_LETTERS,
                        Serdes.String().deserializer(),
                        PlainAvro.deserializer(DeadLetter.class));
        store = driver.getKeyValueStore(Leaderboard.STORE);
    }

    @AfterEach
    void close() {
        driver.close();
    }

    @Test
    void keepsEveryCheckpointInVersionOrderAndTheBestByRougeL() {
        reports.pipeInput("run-a", Reports.report("run-a", 1, 20.0));
        reports.pipeInput("run-a", Reports.report("run-a", 3, 24.5));
        reports.pipeInput("run-a", Reports.report("run-a", 2, 26.0));
        RunStanding a = store.get("run-a");
        assertEquals("run-a", a.runId());
        assertEquals(
                List.of(1L, 2L, 3L), a.history().stream().map(CheckpointScore::version).toList());
        assertEquals(2, a.best().version());
        assertEquals(26.0, a.best().rougeL());
        assertEquals(3, a.latestVersion());
        assertEquals(1.5 / 3, a.history().get(1).trainMetrics().get("reg"), 1e-12);
        assertEquals(2, a.best().reliability().size());
    }

    @Test
    void keepsRunsApart() {
        reports.pipeInput("run-a", Reports.report("run-a", 1, 30.0));
        reports.pipeInput("run-b", Reports.report("run-b", 1, 10.0));
        reports.pipeInput("run-b", Reports.report("run-b", 2, 12.0));
        assertEquals(1, store.get("run-a").history().size());
        assertEquals(2, store.get("run-b").history().size());
        assertEquals(30.0, store.get("run-a").best().rougeL());
        assertEquals(2, store.get("run-b").best().version());
    }

    @Test
    void aReportDeliveredTwiceCountsOnceAndARescoreReplacesTheOldScore() {
        reports.pipeInput("run-a", Reports.report("run-a", 1, 20.0));
        reports.pipeInput("run-a", Reports.report("run-a", 1, 20.0));
        assertEquals(1, store.get("run-a").history().size());
        reports.pipeInput("run-a", Reports.report("run-a", 2, 25.0));
        reports.pipeInput("run-a", Reports.report("run-a", 2, 15.0));
        RunStanding a = store.get("run-a");
        assertEquals(2, a.history().size());
        assertEquals(15.0, a.history().get(1).rougeL());
        assertEquals(1, a.best().version(), "the re-scored v2 is no longer the best");
    }

    @Test
    void aTieKeepsTheEarlierCheckpointBest() {
        reports.pipeInput("run-a", Reports.report("run-a", 1, 20.0));
        reports.pipeInput("run-a", Reports.report("run-a", 2, 20.0));
        assertEquals(1, store.get("run-a").best().version());
    }

    @Test
    void deadLettersPoisonRecordsWithTheReasonAndKeepsGoing() {
        raw.pipeInput("run-a", "not avro".getBytes(StandardCharsets.UTF_8));
        reports.pipeInput("run-b", Reports.report("run-a", 1, 20.0));
        EvalReport nan = Reports.report("run-a", 2, 0);
        nan.setRougeL(Double.NaN);
        reports.pipeInput("run-a", nan);
        reports.pipeInput("run-a", Reports.report("run-a", 3, 22.0));

        List<DeadLetter> dead = deadLetters.readValuesToList();
        assertEquals(3, dead.size());
        assertTrue(
                dead.get(0).getError().contains("Confluent wire format"), dead.get(0).getError());
        assertEquals(EVALUATIONS, dead.get(0).getTopic());
        assertEquals(0, dead.get(0).getOffset());
        assertEquals(
                "not avro", StandardCharsets.UTF_8.decode(dead.get(0).getPayload()).toString());
        assertTrue(
                dead.get(1).getError().contains("not the report's run id"), dead.get(1).getError());
        assertTrue(dead.get(2).getError().contains("non-finite Rouge-L"), dead.get(2).getError());
        assertEquals(DecodeEvalReport.SERVICE, dead.get(2).getService());

        assertNull(store.get("run-b"));
        assertEquals(
                List.of(3L),
                store.get("run-a").history().stream().map(CheckpointScore::version).toList());
    }
}
