package dev.distill.evaluator.leaderboard;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distill.localstack.TopicReader;
import dev.distill.platform.kafka.ClientConfigs;
import dev.distill.schemas.Topics;
import dev.distill.schemas.avro.DeadLetter;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The leaderboard inside the running evaluator against a real broker and registry: reports written
 * with the platform's serde are aggregated exactly once and served by the interactive-query
 * endpoints.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalStackResource.class, restrictToAnnotatedClass = true)
@Tag("integration")
class LeaderboardKafkaTest {
    static final String RUN = "kafka-run";

    @TestHTTPResource("/")
    URL dashboard;

    @BeforeAll
    static void publish() throws Exception {
        var config =
                new java.util.HashMap<String, Object>(
                        ClientConfigs.transactionalProducer(
                                LocalStackResource.stack.bootstrapServers(),
                                LocalStackResource.stack.registryUrl(),
                                "leaderboard-test"));
        try (KafkaProducer<String, Object> producer = new KafkaProducer<>(config)) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(
                    new ProducerRecord<>(Topics.EVALUATIONS, RUN, Reports.report(RUN, 1, 21.0)));
            producer.send(
                    new ProducerRecord<>(Topics.EVALUATIONS, RUN, Reports.report(RUN, 2, 27.5)));
            producer.send(
                    new ProducerRecord<>(
                            Topics.EVALUATIONS, "other-run", Reports.report("other-run", 1, 12.0)));
            producer.commitTransaction();
            // An aborted report must never reach the leaderboard (the stream reads committed data
            // only).
            producer.beginTransaction();
            producer.send(
                            new ProducerRecord<>(
                                    Topics.EVALUATIONS, RUN, Reports.report(RUN, 9, 99.0)))
                    .get();
            producer.abortTransaction();
            producer.beginTransaction();
            producer.send(
                    new ProducerRecord<>(Topics.EVALUATIONS, RUN, Reports.report(RUN, 3, 25.0)));
            producer.commitTransaction();
        }
        try (KafkaProducer<String, byte[]> raw =
                new KafkaProducer<>(
                        Map.of(
                                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                        LocalStackResource.stack.bootstrapServers(),
                                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                                        StringSerializer.class.getName(),
                                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                                        ByteArraySerializer.class.getName()))) {
            raw.send(new ProducerRecord<>(Topics.EVALUATIONS, RUN, new byte[] {1, 2, 3, 4, 5, 6}))
                    .get();
        }
    }

    static Response awaitRun(String runId, int checkpoints) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        while (true) {
            Response r = given().get("/leaderboard/" + runId);
            if (r.statusCode() == 200 && r.jsonPath().getList("history").size() >= checkpoints) {
                return r;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(
                        "run "
                                + runId
                                + " did not reach "
                                + checkpoints
                                + " checkpoints: "
                                + r.statusCode()
                                + " "
                                + r.asString());
            }
            Thread.sleep(250);
        }
    }

    @Test
    void servesHistoryAndBestOfEachRunFromCommittedReports() throws Exception {
        Response run = awaitRun(RUN, 3);
        assertEquals(List.of(1, 2, 3), run.jsonPath().getList("history.version"));
        assertEquals(2, run.jsonPath().getInt("best.version"));
        assertEquals(27.5, run.jsonPath().getDouble("best.rougeL"), 1e-12);

        given().get("/leaderboard/" + RUN + "/best").then().statusCode(200);
        assertEquals(2, given().get("/leaderboard/" + RUN + "/best").jsonPath().getInt("version"));
        awaitRun("other-run", 1);
        Response all = given().get("/leaderboard");
        assertEquals(200, all.statusCode());
        assertEquals(List.of(RUN, "other-run"), all.jsonPath().getList("runs.runId"));
        assertEquals(List.of(3, 1), all.jsonPath().getList("runs.checkpoints"));

        Response missing = given().get("/leaderboard/no-such-run");
        assertEquals(404, missing.statusCode());
        assertTrue(missing.jsonPath().getString("error").contains("no-such-run"));
    }

    @Test
    void deadLettersAnUndecodableReportAndKeepsServing() throws Exception {
        awaitRun(RUN, 3);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        List<ConsumerRecord<String, DeadLetter>> dead;
        do {
            dead =
                    TopicReader.<String, DeadLetter>readToEnd(
                                    ClientConfigs.avroConsumer(
                                            LocalStackResource.stack.bootstrapServers(),
                                            LocalStackResource.stack.registryUrl()),
                                    Topics.DEAD_LETTERS,
                                    Duration.ofSeconds(10))
                            .stream()
                            .filter(
                                    r ->
                                            DecodeEvalReport.SERVICE.equals(
                                                    r.value().getService().toString()))
                            .toList();
        } while (dead.isEmpty() && System.nanoTime() < deadline && sleep());
        assertEquals(1, dead.size());
        assertTrue(dead.get(0).value().getError().toString().contains("Confluent wire format"));
        assertEquals(RUN, dead.get(0).key());
        assertEquals(3, given().get("/leaderboard/" + RUN).jsonPath().getList("history").size());
    }

    @Test
    void dashboardDrawsRougeCalibrationLossAndReliabilityChartsWithData() throws Exception {
        awaitRun(RUN, 3);
        awaitRun("other-run", 1);
        String dom = Chromium.dumpDom(dashboard + "?run=" + RUN, 10_000);
        assertTrue(
                dom.contains("data-loaded=\"true\""),
                "the page never finished loading data:\n" + dom);
        assertEquals(
                "3", attribute(dom, "rougeL", "data-points"), "one Rouge-L point per checkpoint");
        assertEquals("2", attribute(dom, "ece", "data-series"), "token and answer-option ECE");
        assertEquals("6", attribute(dom, "ece", "data-points"));
        assertEquals("3", attribute(dom, "loss", "data-series"), "loss, pg and reg");
        assertEquals("9", attribute(dom, "loss", "data-points"));
        assertEquals("2", attribute(dom, "reliability", "data-bins"));
        assertEquals(3, count(dom, "<tr data-version="), "history rows");
        assertEquals(2, count(dom, "<tr data-run="), "leaderboard rows");
        assertEquals(1, count(dom, "class=\"best\""), "the best checkpoint is marked");
        Path png = Path.of("target", "dashboard.png");
        Chromium.screenshot(dashboard + "?run=" + RUN, png, 10_000);
        assertTrue(Files.size(png) > 10_000, "screenshot " + png + " is nearly empty");
    }

    /** An attribute of the chart svg with the given id, as the browser serialised it. */
    private static String attribute(String dom, String svgId, String name) {
        Matcher svg = Pattern.compile("<svg[^>]*\\bid=\"" + svgId + "\"[^>]*>").matcher(dom);
        assertTrue(svg.find(), "no chart " + svgId + " in the page");
        Matcher attr = Pattern.compile("\\b" + name + "=\"([^\"]*)\"").matcher(svg.group());
        assertTrue(attr.find(), "chart " + svgId + " has no " + name);
        return attr.group(1);
    }

    private static int count(String dom, String needle) {
        int n = 0;
        for (int i = dom.indexOf(needle); i >= 0; i = dom.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    private static boolean sleep() {
        try {
            Thread.sleep(500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return true;
    }
}
