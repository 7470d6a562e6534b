package dev.distill.evaluator;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

@QuarkusTest
class EvaluatorHealthTest {

    @Test
    void readyReportsConfiguration() {
        given().when()
                .get("/q/health/ready")
                .then()
                .statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.find { it.name == 'evaluator-config' }.status", equalTo("UP"))
                .body(
                        "checks.find { it.name == 'evaluator-config' }.data.held-out-limit",
                        equalTo(200));
    }

    @Test
    void live() {
        given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }
}
