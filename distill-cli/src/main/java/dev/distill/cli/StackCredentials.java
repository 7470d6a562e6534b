package dev.distill.cli;

import dev.distill.localstack.LocalStack;
import dev.distill.localstack.PlatformAcls;
import dev.distill.platform.kafka.SchemaRegistration;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes each service's Kafka credentials on a secured local stack as a properties file the service
 * reads ({@code kafka.security.protocol}, {@code kafka.sasl.*}), plus {@code admin.properties} for
 * Kafka's own tools; owner-only, since they hold passwords.
 */
final class StackCredentials {
    static final String REGISTRAR = "registrar";

    /** Each service's configuration prefix (distill.<prefix>.*). */
    private static final Map<String, String> PROPERTY_PREFIX =
            Map.of(
                    PlatformAcls.PRODUCER, "producer",
                    PlatformAcls.TRAINER, "trainer",
                    PlatformAcls.EVALUATOR, "evaluator");

    private StackCredentials() {}

    /**
     * Writes the services' settings and, when {@code registrarPassword} is given, registers the
     * platform's schemas as the registrar and keeps its password in {@code registrar.password}.
     */
    static Path write(LocalStack stack, Path dir, String registrarPassword) throws IOException {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        for (String service : PlatformAcls.SERVICES) {
            Map<String, String> props = new TreeMap<>();
            stack.serviceCredentials(service).forEach((k, v) -> props.put("kafka." + k, v));
            props.put("kafka.bootstrap.servers", stack.bootstrapServers());
            if (registrarPassword != null) {
                props.put("distill." + PROPERTY_PREFIX.get(service) + ".register-schemas", "false");
            }
            writeOwnerOnly(dir.resolve(service + ".properties"), props);
        }
        // For whoever feeds prompts: plain Kafka client settings (not a service's kafka.* keys).
        Map<String, String> loader =
                new TreeMap<>(stack.serviceCredentials(PlatformAcls.PROMPT_LOADER));
        loader.put("bootstrap.servers", stack.bootstrapServers());
        if (registrarPassword != null) {
            loader.put("apicurio.registry.auto-register", "false");
        }
        writeOwnerOnly(dir.resolve(PlatformAcls.PROMPT_LOADER + ".properties"), loader);
        Map<String, String> admin = new TreeMap<>();
        stack.adminClientProperties().forEach((k, v) -> admin.put(k, String.valueOf(v)));
        writeOwnerOnly(dir.resolve("admin.properties"), admin);
        if (registrarPassword != null) {
            Path file = dir.resolve("registrar.password");
            Files.deleteIfExists(file);
            Files.createFile(
                    file,
                    PosixFilePermissions.asFileAttribute(
                            PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, registrarPassword + "\n");
            SchemaRegistration.registerAll(stack.registryUrl(), REGISTRAR, registrarPassword);
        }
        return dir;
    }

    private static void writeOwnerOnly(Path file, Map<String, String> props) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(
                file,
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        StringBuilder b = new StringBuilder();
        // Properties-file escaping: the JAAS value holds quotes and '=', never a newline.
        props.forEach(
                (k, v) -> b.append(k).append('=').append(v.replace("\\", "\\\\")).append('\n'));
        Files.writeString(file, b.toString());
    }
}
