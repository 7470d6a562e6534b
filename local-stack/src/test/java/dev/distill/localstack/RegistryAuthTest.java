package dev.distill.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** A registry that takes writes only from an authenticated user and reads from anyone. */
@Tag("integration")
class RegistryAuthTest {
    static ApicurioRegistry registry;
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final String SCHEMA =
            "{\"schema\": \"{\\\"type\\\": \\\"record\\\", \\\"name\\\": \\\"T\\\", \\\"fields\\\":"
                    + " [{\\\"name\\\": \\\"a\\\", \\\"type\\\": \\\"int\\\"}]}\"}";

    @BeforeAll
    static void start() throws Exception {
        Path work =
                Files.createDirectories(Path.of("target", "registry-auth-" + System.nanoTime()));
        registry =
                ApicurioRegistry.start(
                        ApicurioRegistry.Options.defaults()
                                .workDir(work)
                                .basicAuth("registrar", "registrar-secret-1"));
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            registry.close();
        }
    }

    static int send(String method, String path, String body, String basic) throws Exception {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create(registry.baseUrl() + path))
                        .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                        .method(
                                method,
                                body == null
                                        ? HttpRequest.BodyPublishers.noBody()
                                        : HttpRequest.BodyPublishers.ofString(body));
        if (basic != null) {
            b.header(
                    "Authorization",
                    "Basic "
                            + Base64.getEncoder()
                                    .encodeToString(basic.getBytes(StandardCharsets.UTF_8)));
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    @Test
    void anonymousClientsReadButOnlyTheRegistrarWritesOrDeletes() throws Exception {
        String subject = "/apis/ccompat/v7/subjects/distill.test-value";
        assertEquals(401, send("POST", subject + "/versions", SCHEMA, null), "anonymous register");
        assertEquals(
                401,
                send("POST", subject + "/versions", SCHEMA, "registrar:wrong"),
                "wrong password");
        assertEquals(
                200, send("POST", subject + "/versions", SCHEMA, "registrar:registrar-secret-1"));
        assertEquals(
                200, send("GET", "/apis/ccompat/v7/schemas/ids/1", null, null), "anonymous read");
        assertEquals(200, send("GET", subject + "/versions/latest", null, null));
        assertEquals(401, send("DELETE", subject, null, null), "anonymous delete");
        assertEquals(200, send("GET", subject + "/versions/latest", null, null), "still there");
        assertTrue(
                !Files.readString(registry.workDir().resolve("registry.log"))
                        .contains("registrar-secret-1"),
                "the password is not on the logged command line");
    }
}
