package dev.distill.trainer;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;

import dev.distill.platform.loop.LoopState;
import dev.distill.platform.loop.LoopStats;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

@QuarkusTest
class TrainerHealthTest {

    @Test
    void readyReportsWritableCheckpointDir() {
        given().when()
                .get("/q/health/ready")
                .then()
                .statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.find { it.name == 'trainer-checkpoint-dir' }.status", equalTo("UP"))
                .body(
                        "checks.find { it.name == 'trainer-checkpoint-dir' }.data.writable",
                        equalTo(true))
                .body(
                        "checks.find { it.name == 'trainer-checkpoint-dir' }.data.checkpoint-dir",
                        endsWith("test-checkpoints"));
    }

    @Test
    void exposesPrometheusMetricsForThroughputLossTermsStalenessAndLag() {
        String metrics =
                given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        for (String name :
                new String[] {
                    "distill_trainer_tokens_per_second",
                    "distill_trainer_rollouts_dropped_stale",
                    "distill_trainer_staleness_max",
                    "distill_trainer_lag",
                    "distill_trainer_loss_term{term=\"pg\"",
                    "distill_trainer_loss_term{term=\"reg\"",
                    "distill_trainer_dead_letters"
                }) {
            org.junit.jupiter.api.Assertions.assertTrue(
                    metrics.contains(name), name + " missing from /q/metrics");
        }
    }

    @Inject TrainerService service;

    @Test
    void live() {
        given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }

    /** What the Kubernetes liveness probe (GET /q/health/live) sees once the loop gives up. */
    @Test
    void livenessFailsWithTheReasonOnceTheLoopHasGivenUp() {
        LoopStats loop = service.stats().loop;
        LoopState before = loop.state.get();
        try {
            loop.state.set(LoopState.FAILED);
            loop.failure.set("IOException: disk full");
            given().when()
                    .get("/q/health/live")
                    .then()
                    .statusCode(503)
                    .body("status", equalTo("DOWN"))
                    .body("checks.find { it.name == 'trainer-loop' }.status", equalTo("DOWN"))
                    .body(
                            "checks.find { it.name == 'trainer-loop' }.data.failure",
                            equalTo("IOException: disk full"));
        } finally {
            loop.state.set(before);
            loop.failure.set(null);
        }
        given().when().get("/q/health/live").then().statusCode(200);
    }
}
