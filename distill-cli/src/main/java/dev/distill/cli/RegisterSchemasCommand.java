package dev.distill.cli;

import dev.distill.platform.kafka.SchemaRegistration;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Registers the platform's schemas as the registry's registrar: the deployment step before services
 * that do not register schemas themselves (the prod overlay) start.
 */
@Command(
        name = "register-schemas",
        mixinStandardHelpOptions = true,
        description =
                "Registers the platform's five value schemas (<topic>-value) in the schema"
                    + " registry, exactly as the services' serializers would; idempotent. Needed"
                    + " where the services run with distill.*.register-schemas=false.")
final class RegisterSchemasCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
            names = "--registry-url",
            required = true,
            description = "the registry's native API, e.g. http://localhost:8080/apis/registry/v3")
    String registryUrl;

    @Option(
            names = "--user",
            description = "HTTP basic user with write access (role sr-developer or sr-admin)")
    String user;

    @Option(
            names = "--password-file",
            description = "file holding the user's password (not on the command line)")
    Path passwordFile;

    @Override
    public Integer call() throws Exception {
        if ((user == null) != (passwordFile == null)) {
            throw new picocli.CommandLine.ParameterException(
                    spec.commandLine(), "--user and --password-file go together");
        }
        String password = passwordFile == null ? null : Files.readString(passwordFile).strip();
        List<String> subjects = SchemaRegistration.registerAll(registryUrl, user, password);
        PrintWriter out = spec.commandLine().getOut();
        subjects.forEach(s -> out.println("registered " + s));
        out.flush();
        return 0;
    }
}
