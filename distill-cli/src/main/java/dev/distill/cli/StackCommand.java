package dev.distill.cli;

import dev.distill.cli.support.PlatformTopics;
import dev.distill.localstack.LocalStack;
import dev.distill.localstack.PlatformAcls;
import dev.distill.schemas.Topics;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Runs the local stack (real Kafka broker + Apicurio Registry) with the platform's topics until
 * Ctrl-C.
 */
@Command(
        name = "stack",
        mixinStandardHelpOptions = true,
        description =
                "Starts a KRaft Kafka broker and Apicurio Registry locally, creates the platform's"
                        + " topics, prints the addresses the services need and runs until Ctrl-C.")
final class StackCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
            names = "--work-dir",
            defaultValue = "runs/stack",
            description = "broker data and logs; default: ${DEFAULT-VALUE}")
    Path workDir;

    @Option(
            names = "--partitions",
            defaultValue = "2",
            description = "partitions of the prompts and rollouts topics")
    int partitions;

    @Option(
            names = "--secure",
            description =
                    "SCRAM-SHA-512 authentication and ACLs on the broker, as on Kubernetes: each"
                            + " service gets its own user with least privilege; their settings are"
                            + " written to <work-dir>/credentials/<service>.properties")
    boolean secure;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        LocalStack.Options options = LocalStack.Options.defaults().workDir(workDir).scram(secure);
        String registrarPassword = secure ? LocalStack.randomPassword() : null;
        if (secure) {
            options.registryAuth(StackCredentials.REGISTRAR, registrarPassword);
        }
        LocalStack stack = LocalStack.start(options);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    stack.close();
                                    stopped.countDown();
                                },
                                "distill-stack-shutdown"));
        PlatformTopics.create(stack.adminClientProperties(), partitions);
        out.println("kafka.bootstrap.servers=" + stack.bootstrapServers());
        out.println("registry (services: distill.*.registry-url)=" + stack.registryUrl());
        out.println("registry, Confluent API (other clients)=" + stack.confluentUrl());
        if (secure) {
            Path dir =
                    StackCredentials.write(
                            stack, workDir.resolve("credentials"), registrarPassword);
            out.println(
                    "SCRAM users "
                            + PlatformAcls.SERVICES
                            + " and admin; their settings (owner-only files): "
                            + dir
                            + "/<service>.properties; start a service with"
                            + " -Dquarkus.config.locations="
                            + dir
                            + "/<service>.properties");
            out.println(
                    "registry: writes only by user "
                            + StackCredentials.REGISTRAR
                            + " (password in "
                            + dir
                            + "/registrar.password); the platform's schemas are registered, and"
                            + " the services run with distill.*.register-schemas=false");
        }
        out.println(
                "topics: " + Topics.ALL + "; logs under " + workDir + "; Ctrl-C stops everything");
        out.flush();
        stopped.await();
        return 0;
    }
}
