package dev.distill.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.distill.localstack.LocalStack;
import dev.distill.localstack.PlatformAcls;
import dev.distill.platform.kafka.KafkaConnection;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("integration")
class StackCredentialsTest {

    @Test
    void eachServiceGetsAnOwnerOnlyFileItsConfigReadsAndTheBrokerAccepts() throws Exception {
        Path work = Files.createDirectories(Path.of("target", "stack-creds-" + System.nanoTime()));
        String registrar = LocalStack.randomPassword();
        try (LocalStack stack =
                LocalStack.start(
                        LocalStack.Options.defaults()
                                .workDir(work)
                                .scram(true)
                                .registryAuth(StackCredentials.REGISTRAR, registrar))) {
            Path dir = StackCredentials.write(stack, work.resolve("credentials"), registrar);
            assertEquals(registrar, Files.readString(dir.resolve("registrar.password")).strip());
            // the schemas are registered, so services that may not register can write
            var versions =
                    java.net.http.HttpClient.newHttpClient()
                            .send(
                                    java.net.http.HttpRequest.newBuilder(
                                                    java.net.URI.create(
                                                            stack.confluentUrl() + "/subjects"))
                                            .build(),
                                    java.net.http.HttpResponse.BodyHandlers.ofString())
                            .body();
            for (String topic : dev.distill.schemas.Topics.ALL) {
                org.junit.jupiter.api.Assertions.assertTrue(
                        versions.contains(topic + "-value"), versions);
            }
            assertEquals(
                    "rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
            for (String service : PlatformAcls.SERVICES) {
                Path file = dir.resolve(service + ".properties");
                assertEquals(
                        "rw-------",
                        PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
                Properties p = new Properties();
                try (Reader r = Files.newBufferedReader(file)) {
                    p.load(r);
                }
                // read the way the services read their config: kafka.<key>
                KafkaConnection kafka =
                        KafkaConnection.fromConfig(
                                p.getProperty("kafka.bootstrap.servers"),
                                key -> Optional.ofNullable(p.getProperty(key)));
                assertEquals("SASL_PLAINTEXT", kafka.security().get("security.protocol"));
                assertEquals(
                        1,
                        p.stringPropertyNames().stream()
                                .filter(k -> k.endsWith(".register-schemas"))
                                .filter(k -> p.getProperty(k).equals("false"))
                                .count());
                assertFalse(kafka.toString().contains("password"), kafka.toString());
                try (Admin admin = Admin.create(kafka.clientProperties())) {
                    admin.describeCluster().nodes().get(30, TimeUnit.SECONDS);
                }
            }
        }
    }
}
