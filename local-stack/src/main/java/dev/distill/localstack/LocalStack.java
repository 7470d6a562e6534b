package dev.distill.localstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AclBinding;

/**
 * A real single-node KRaft Kafka broker plus a real Apicurio Registry, each a child JVM on free
 * loopback ports.
 *
 * <pre>{@code
 * try (LocalStack stack = LocalStack.start(LocalStack.Options.defaults().workDir(path))) {
 *     stack.bootstrapServers(); // "127.0.0.1:PORT"
 *     stack.registryUrl();      // "http://127.0.0.1:PORT/apis/registry/v3"
 *     stack.confluentUrl();     // "http://127.0.0.1:PORT/apis/ccompat/v7"
 * }
 * }</pre>
 *
 * Both children start in parallel. Logs: {@code WORKDIR/kafka/broker.log}, {@code
 * WORKDIR/registry/registry.log}. Without {@link Options#workDir} a temp dir is used and deleted on
 * {@link #close()}.
 */
public final class LocalStack implements AutoCloseable {

    /** Start-up settings. Mutable builder; every setter returns {@code this}. */
    public static final class Options {
        private Path workDir;
        private int numPartitions = 1;
        private boolean autoCreateTopics;
        private Duration startupTimeout;
        private boolean scram;
        private String registryUser;
        private String registryPassword;
        private final Map<String, String> kafkaProperties = new LinkedHashMap<>();
        private final Map<String, String> registryProperties = new LinkedHashMap<>();

        private Options() {}

        /** Defaults: temp work dir, 1 partition per topic, no auto-created topics. */
        public static Options defaults() {
            return new Options();
        }

        /** Holds {@code kafka/} and {@code registry/} (created if missing; kept on close). */
        public Options workDir(Path dir) {
            this.workDir = dir;
            return this;
        }

        /** Kafka {@code num.partitions} (default 1). */
        public Options numPartitions(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("numPartitions must be >= 1");
            }
            this.numPartitions = n;
            return this;
        }

        /** Kafka {@code auto.create.topics.enable} (default false). */
        public Options autoCreateTopics(boolean enabled) {
            this.autoCreateTopics = enabled;
            return this;
        }

        /** Start-up timeout of each child (default: Kafka 90 s, registry 60 s). */
        public Options startupTimeout(Duration timeout) {
            this.startupTimeout = Objects.requireNonNull(timeout);
            return this;
        }

        /**
         * A broker that authenticates every client (SASL/SCRAM-SHA-512) and authorises it by ACL,
         * as on Kubernetes; see {@link LocalStack#serviceCredentials}. Default: plaintext, open.
         */
        public Options scram(boolean enabled) {
            this.scram = enabled;
            return this;
        }

        /**
         * The registry takes writes (registering, deleting) only from {@code user} with HTTP basic
         * authentication, as in the prod overlay; reads stay anonymous.
         */
        public Options registryAuth(String user, String password) {
            this.registryUser = Objects.requireNonNull(user);
            this.registryPassword = Objects.requireNonNull(password);
            return this;
        }

        /** Extra or overriding Kafka {@code server.properties} entry. */
        public Options kafkaProperty(String key, String value) {
            kafkaProperties.put(Objects.requireNonNull(key), Objects.requireNonNull(value));
            return this;
        }

        /** Extra or overriding registry config property ({@code -Dkey=value}). */
        public Options registryProperty(String key, String value) {
            registryProperties.put(Objects.requireNonNull(key), Objects.requireNonNull(value));
            return this;
        }
    }

    private final Path workDir;
    private final boolean ownsWorkDir;
    private final KafkaBroker kafka;
    private final ApicurioRegistry registry;
    private volatile boolean closed;

    private LocalStack(
            Path workDir, boolean ownsWorkDir, KafkaBroker kafka, ApicurioRegistry registry) {
        this.workDir = workDir;
        this.ownsWorkDir = ownsWorkDir;
        this.kafka = kafka;
        this.registry = registry;
    }

    /** Starts both with default options (temp work dir). */
    public static LocalStack start() {
        return start(Options.defaults());
    }

    /**
     * Starts the broker and the registry in parallel and returns when both are ready. If either
     * fails, the other is stopped and the first failure is thrown.
     *
     * @throws LocalStackException with the tail of the failing child's log
     */
    public static LocalStack start(Options options) {
        boolean owns = options.workDir == null;
        Path dir;
        try {
            dir =
                    owns
                            ? Files.createTempDirectory("distill-local-stack-")
                            : Files.createDirectories(options.workDir);
        } catch (IOException e) {
            throw new LocalStackException("cannot create the work dir: " + e.getMessage(), e);
        }
        dir = dir.toAbsolutePath();

        KafkaBroker.Options ko =
                KafkaBroker.Options.defaults()
                        .workDir(dir.resolve("kafka"))
                        .numPartitions(options.numPartitions)
                        .autoCreateTopics(options.autoCreateTopics);
        ApicurioRegistry.Options ro =
                ApicurioRegistry.Options.defaults().workDir(dir.resolve("registry"));
        if (options.startupTimeout != null) {
            ko.startupTimeout(options.startupTimeout);
            ro.startupTimeout(options.startupTimeout);
        }
        options.kafkaProperties.forEach(ko::property);
        if (options.scram) {
            ko.scram(randomPassword());
        }
        options.registryProperties.forEach(ro::property);
        if (options.registryUser != null) {
            ro.basicAuth(options.registryUser, options.registryPassword);
        }

        CompletableFuture<ApicurioRegistry> registryFuture = new CompletableFuture<>();
        Thread registryStarter =
                new Thread(
                        () -> {
                            try {
                                registryFuture.complete(ApicurioRegistry.start(ro));
                            } catch (Throwable t) {
                                registryFuture.completeExceptionally(t);
                            }
                        },
                        "local-stack-registry-start");
        registryStarter.setDaemon(true);
        registryStarter.start();

        KafkaBroker kafka;
        try {
            kafka = KafkaBroker.start(ko);
        } catch (RuntimeException e) {
            closeQuietly(registryFuture);
            cleanUp(owns, dir);
            throw e;
        }
        try {
            return new LocalStack(dir, owns, kafka, registryFuture.get());
        } catch (InterruptedException | ExecutionException | CompletionException e) {
            kafka.close();
            registryFuture.thenAccept(ApicurioRegistry::close);
            cleanUp(owns, dir);
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
                throw new LocalStackException("interrupted while starting Apicurio Registry", e);
            }
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            if (cause instanceof RuntimeException) {
                throw (RuntimeException) cause;
            }
            throw new LocalStackException("Apicurio Registry failed to start: " + cause, cause);
        }
    }

    /** Waits for the registry's start to finish and stops it if it succeeded. */
    private static void closeQuietly(CompletableFuture<ApicurioRegistry> f) {
        try {
            f.join().close();
        } catch (RuntimeException ignored) {
            // the caller reports the first failure
        }
    }

    private static void cleanUp(boolean owns, Path dir) {
        if (owns) {
            Locations.deleteRecursively(dir);
        }
    }

    /** A fresh random password (24 letters and digits) for a user of the stack. */
    public static String randomPassword() {
        SecureRandom random = new SecureRandom();
        String alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 24; i++) {
            b.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return b.toString();
    }

    /**
     * Creates {@code service}'s SCRAM user with a new random password and its least-privilege ACLs
     * ({@link PlatformAcls}), and returns its client security settings (security.protocol,
     * sasl.mechanism, sasl.jaas.config), to be given to the service as {@code kafka.<key>}.
     */
    public Map<String, String> serviceCredentials(String service) {
        List<AclBinding> acls = PlatformAcls.of(service);
        String password = randomPassword();
        kafka.addScramUser(service, password);
        try (Admin admin = Admin.create(adminClientProperties())) {
            admin.createAcls(acls).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new LocalStackException("cannot create the ACLs of " + service + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LocalStackException("interrupted creating the ACLs of " + service, e);
        }
        return KafkaBroker.scramClient(service, password);
    }

    /** Client properties of the broker's super user (bootstrap included): for set-up and tests. */
    public Map<String, Object> adminClientProperties() {
        Map<String, Object> p = new LinkedHashMap<>(kafka.adminClientSecurity());
        p.put("bootstrap.servers", bootstrapServers());
        return p;
    }

    /** Kafka {@code bootstrap.servers}: {@code "127.0.0.1:PORT"}. */
    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    /** Apicurio's native API base: {@code "http://127.0.0.1:PORT/apis/registry/v3"}. */
    public String registryUrl() {
        return registry.registryUrl();
    }

    /** Confluent-compatible API base: {@code "http://127.0.0.1:PORT/apis/ccompat/v7"}. */
    public String confluentUrl() {
        return registry.confluentUrl();
    }

    public KafkaBroker kafka() {
        return kafka;
    }

    public ApicurioRegistry registry() {
        return registry;
    }

    public Path workDir() {
        return workDir;
    }

    /** Stops both children in parallel (each: SIGTERM, up to 15 s, then SIGKILL). Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        kafka.requestStop();
        registry.requestStop();
        try {
            kafka.close();
        } finally {
            registry.close();
            cleanUp(ownsWorkDir, workDir);
        }
    }

    @Override
    public String toString() {
        return "LocalStack[kafka "
                + bootstrapServers()
                + ", registry "
                + registry.baseUrl()
                + ", "
                + workDir
                + "]";
    }
}
