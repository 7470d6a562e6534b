package dev.distill.trainer;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

@QuarkusTest
class TrainerHealthTest {

    @Test
    void readyReportsWritableCheckpointDir() {
        given().when().get("/q/health/ready")
                .then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.find { it.name == 'trainer-checkpoint-dir' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'trainer-checkpoint-dir' }.data.writable", equalTo(true))
                .body("checks.find { it.name == 'trainer-checkpoint-dir' }.data.checkpoint-dir",
                        endsWith("test-checkpoints"));
    }

    @Test
    void live() {
        given().when().get("/q/health/live")
                .then().statusCode(200)
                .body("status", equalTo("UP"));
    }
}
