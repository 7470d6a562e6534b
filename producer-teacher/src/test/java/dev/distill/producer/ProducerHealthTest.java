package dev.distill.producer;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ProducerHealthTest {

    @Test
    void readyReportsConfiguration() {
        given().when()
                .get("/q/health/ready")
                .then()
                .statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.find { it.name == 'producer-config' }.status", equalTo("UP"))
                .body(
                        "checks.find { it.name == 'producer-config' }.data.teacher-model",
                        equalTo("none"))
                .body("checks.find { it.name == 'producer-config' }.data.batch-size", equalTo(8));
    }

    @Test
    void live() {
        given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }
}
