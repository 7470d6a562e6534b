package dev.distill.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The local registry keeps its schemas across a restart on the same work directory. */
@Tag("integration")
class RegistryPersistenceTest {
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final String JSON = "application/vnd.schemaregistry.v1+json";

    static String register(ApicurioRegistry r, String subject, String avro) throws Exception {
        String body = "{\"schema\": " + quote(avro) + "}";
        HttpResponse<String> res =
                HTTP.send(
                        HttpRequest.newBuilder(
                                        URI.create(
                                                r.confluentUrl()
                                                        + "/subjects/"
                                                        + subject
                                                        + "/versions"))
                                .header("Content-Type", JSON)
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(200, res.statusCode(), res.body());
        Matcher m = Pattern.compile("\"id\"\\s*:\\s*(\\d+)").matcher(res.body());
        assertTrue(m.find(), res.body());
        return m.group(1);
    }

    static String schemaById(ApicurioRegistry r, String id) throws Exception {
        HttpResponse<String> res =
                HTTP.send(
                        HttpRequest.newBuilder(URI.create(r.confluentUrl() + "/schemas/ids/" + id))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        return res.statusCode() + " " + res.body();
    }

    static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    @Test
    void keepsSchemasAndTheirIdsAcrossARestart() throws Exception {
        Path dir =
                Files.createDirectories(
                        Path.of("target", "registry-persistence-" + System.currentTimeMillis()));
        String a =
                "{\"type\":\"record\",\"name\":\"A\",\"fields\":[{\"name\":\"x\",\"type\":\"int\"}]}";
        String b =
                "{\"type\":\"record\",\"name\":\"B\",\"fields\":[{\"name\":\"y\",\"type\":\"string\"}]}";
        String idA;
        try (ApicurioRegistry r =
                ApicurioRegistry.start(ApicurioRegistry.Options.defaults().workDir(dir))) {
            idA = register(r, "a-value", a);
        }
        try (ApicurioRegistry r =
                ApicurioRegistry.start(ApicurioRegistry.Options.defaults().workDir(dir))) {
            String before = schemaById(r, idA);
            assertTrue(before.startsWith("200 ") && before.contains("\\\"A\\\""), before);
            String idB = register(r, "b-value", b);
            assertTrue(
                    !idB.equals(idA),
                    "a new schema gets a new id, never one handed out before: " + idB);
        }
    }

    @Test
    void keepsASchemaRegisteredJustBeforeACrash() throws Exception {
        Path dir =
                Files.createDirectories(
                        Path.of("target", "registry-crash-" + System.currentTimeMillis()));
        String c =
                "{\"type\":\"record\",\"name\":\"C\",\"fields\":[{\"name\":\"z\",\"type\":\"long\"}]}";
        String d =
                "{\"type\":\"record\",\"name\":\"D\",\"fields\":[{\"name\":\"w\",\"type\":\"double\"}]}";
        try (ApicurioRegistry r =
                ApicurioRegistry.start(ApicurioRegistry.Options.defaults().workDir(dir))) {
            String idC = register(r, "c-value", c);
            r.kill(); // at once: no shutdown, no time to flush
            r.resume();
            String after = schemaById(r, idC);
            assertTrue(after.startsWith("200 ") && after.contains("\\\"C\\\""), after);
            String idD = register(r, "d-value", d);
            assertTrue(!idD.equals(idC), "the id of C is not handed out again: " + idD);
        }
    }
}
