package dev.distill.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.distill.localstack.LocalStack;
import dev.distill.schemas.Topics;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The prod overlay's schema registration Job, run as its manifest says: its command line against
 * the packaged trainer's class path (the image's /deployments), its environment, and its password
 * file, on a registry that takes writes only from the registrar.
 */
@Tag("integration")
class RegisterSchemasJobTest {
    static final Path JOB =
            PlatformEndToEndTest.ROOT.resolve("k8s/overlays/prod/register-schemas.yaml");

    @Test
    void theJobsCommandRegistersEverySchemaAsTheRegistrar() throws Exception {
        JsonNode job = null;
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        for (JsonNode doc :
                yaml.readValues(yaml.createParser(JOB.toFile()), JsonNode.class).readAll()) {
            if (doc.path("kind").asText().equals("Job")) {
                job = doc;
            }
        }
        JsonNode container = job.at("/spec/template/spec/containers/0");
        Path deployments =
                PlatformEndToEndTest.ROOT
                        .resolve("trainer-student/target/quarkus-app")
                        .toAbsolutePath();
        List<String> command = new ArrayList<>();
        for (JsonNode arg : container.get("command")) {
            String a = arg.asText();
            command.add(
                    a.equals("java")
                            ? ProcessHandle.current().info().command().orElse("java")
                            : a.replace("/deployments", deployments.toString())
                                    .replace(":", File.pathSeparator));
        }
        Path work =
                Files.createDirectories(
                        Path.of("target", "register-job-" + System.currentTimeMillis())
                                .toAbsolutePath());
        try (LocalStack stack =
                LocalStack.start(
                        LocalStack.Options.defaults()
                                .workDir(work.resolve("stack"))
                                .registryAuth("registrar", "registrar-secret-1"))) {
            Path password = Files.createDirectories(work.resolve("registrar")).resolve("password");
            Files.writeString(password, "registrar-secret-1\n");
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
            Map<String, String> env = pb.environment();
            for (JsonNode e : container.get("env")) {
                env.put(e.get("name").asText(), e.get("value").asText());
            }
            assertEquals(
                    "/etc/distill/registrar/password", env.get("DISTILL_REGISTRAR_PASSWORD_FILE"));
            assertEquals("registrar", env.get("DISTILL_REGISTRAR_USER"));
            // the in-cluster addresses, pointed at this machine's stack
            env.put("DISTILL_REGISTRY_URL", stack.registryUrl());
            env.put("DISTILL_REGISTRAR_PASSWORD_FILE", password.toString());
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes());
            assertEquals(0, p.waitFor(), out);
            String subjects =
                    HttpClient.newHttpClient()
                            .send(
                                    HttpRequest.newBuilder(
                                                    URI.create(stack.confluentUrl() + "/subjects"))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString())
                            .body();
            for (String topic : Topics.ALL) {
                assertTrue(out.contains("registered " + topic + "-value"), out);
                assertTrue(subjects.contains(topic + "-value"), subjects);
            }
        }
    }
}
