package dev.distill.localstack;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;

/**
 * A real single-node KRaft Apache Kafka broker (broker + controller in one process) running in its
 * own JVM: {@code java -cp <kafka jars> kafka.Kafka server.properties}, listening on free loopback
 * ports.
 *
 * <p>Every start is a fresh, empty cluster: the data directory is wiped and formatted again (the
 * registry is in-memory, so schema ids would not survive a restart anyway). Files in {@link
 * #workDir()}: {@code server.properties}, {@code log4j2.properties}, {@code data/}, {@code
 * broker.log} (the broker's stdout/stderr) and {@code storage-format.log}.
 *
 * <pre>{@code
 * try (KafkaBroker kafka = KafkaBroker.start(KafkaBroker.Options.defaults())) {
 *     String bootstrap = kafka.bootstrapServers(); // "127.0.0.1:PORT"
 * }
 * }</pre>
 */
public final class KafkaBroker implements AutoCloseable {

    /** Start-up settings. Mutable builder; every setter returns {@code this}. */
    public static final class Options {
        private String adminPassword;
        private Path workDir;
        private int numPartitions = 1;
        private boolean autoCreateTopics;
        private Duration startupTimeout = Duration.ofSeconds(90);
        private String maxHeap = "512m";
        private final List<String> jvmOptions = new ArrayList<>();
        private final Map<String, String> properties = new LinkedHashMap<>();

        private Options() {}

        /**
         * Defaults: temporary work dir, 1 partition per topic, no auto-created topics, 512 MB heap,
         * 90 s timeout.
         */
        public static Options defaults() {
            return new Options();
        }

        /**
         * Directory for config, data and logs (created if missing; kept on close). Default: a temp
         * dir, deleted on close.
         */
        public Options workDir(Path dir) {
            this.workDir = dir;
            return this;
        }

        /** {@code num.partitions} of topics created without an explicit count (default 1). */
        public Options numPartitions(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("numPartitions must be >= 1");
            }
            this.numPartitions = n;
            return this;
        }

        /** {@code auto.create.topics.enable} (default false: topics must be created explicitly). */
        public Options autoCreateTopics(boolean enabled) {
            this.autoCreateTopics = enabled;
            return this;
        }

        /**
         * Authenticated and authorised, as on Kubernetes: the client listener takes
         * SASL/SCRAM-SHA-512 only (an anonymous or plaintext client cannot connect), the
         * StandardAuthorizer denies what no ACL allows, and {@value #ADMIN} (with this password) is
         * the only super user. Users and ACLs are added with {@link KafkaBroker#addScramUser} and
         * an Admin client.
         */
        public Options scram(String adminPassword) {
            if (adminPassword == null || !adminPassword.matches("[A-Za-z0-9]{12,}")) {
                throw new IllegalArgumentException(
                        "the admin password must be 12 or more letters and digits");
            }
            this.adminPassword = adminPassword;
            return this;
        }

        /** How long to wait for the broker to answer an AdminClient (default 90 s). */
        public Options startupTimeout(Duration timeout) {
            this.startupTimeout = Objects.requireNonNull(timeout);
            return this;
        }

        /**
         * An extra JVM flag for the child, after the defaults ({@code -Xmx512m -XX:+UseSerialGC
         * -XX:TieredStopAtLevel=1}: C1 only, which halves start-up on 2 cores; add {@code
         * -XX:TieredStopAtLevel=4} for full C2 throughput). A later flag overrides an earlier one.
         */
        public Options jvmOption(String flag) {
            jvmOptions.add(Objects.requireNonNull(flag));
            return this;
        }

        /** The broker JVM's {@code -Xmx} (default "512m"). */
        public Options maxHeap(String xmx) {
            this.maxHeap = Objects.requireNonNull(xmx);
            return this;
        }

        /**
         * Any extra or overriding {@code server.properties} entry (listeners and log.dirs are
         * managed here).
         */
        public Options property(String key, String value) {
            properties.put(Objects.requireNonNull(key), Objects.requireNonNull(value));
            return this;
        }
    }

    private static final System.Logger LOG = System.getLogger(KafkaBroker.class.getName());

    /** The super user of a {@link Options#scram} broker. */
    public static final String ADMIN = "admin";

    public static final String SCRAM = "SCRAM-SHA-512";

    private final Path workDir;
    private final boolean ownsWorkDir;
    private final int port;
    private final int controllerPort;
    private volatile ChildProcess process;
    private final Duration startupTime;
    private final Options options;
    private volatile boolean closed;

    private KafkaBroker(
            Path workDir,
            boolean ownsWorkDir,
            int port,
            int controllerPort,
            ChildProcess process,
            Duration startupTime,
            Options options) {
        this.workDir = workDir;
        this.ownsWorkDir = ownsWorkDir;
        this.port = port;
        this.controllerPort = controllerPort;
        this.process = process;
        this.startupTime = startupTime;
        this.options = options;
    }

    /**
     * An outage: kills the broker (no controlled shutdown, as a crashed node) and keeps its data,
     * so that {@link #resume()} brings the same broker back, on the same ports with the same
     * topics, offsets and transactions.
     */
    public synchronized void kill() {
        process.handle().destroyForcibly();
        process.stop();
    }

    /**
     * Starts the broker again after {@link #kill()}, with everything it had, and waits until ready.
     */
    public synchronized void resume() {
        if (closed) {
            throw new IllegalStateException("the broker was closed");
        }
        ChildProcess child =
                launch(options, workDir, Locations.kafkaClasspath(), port, controllerPort, true);
        try {
            awaitReady(
                    child,
                    port,
                    Instant.now().plus(options.startupTimeout),
                    adminSecurity(options));
        } catch (LocalStackException e) {
            child.stop();
            throw e;
        }
        process = child;
    }

    /** Starts a broker with default options. */
    public static KafkaBroker start() {
        return start(Options.defaults());
    }

    /**
     * Formats storage, starts the broker and returns once an AdminClient sees it (describeCluster).
     *
     * @throws LocalStackException with the tail of {@code broker.log} if it does not become ready
     *     in time
     */
    public static KafkaBroker start(Options options) {
        Instant t0 = Instant.now();
        boolean owns = options.workDir == null;
        Path dir;
        try {
            dir =
                    owns
                            ? Files.createTempDirectory("distill-kafka-")
                            : Files.createDirectories(options.workDir);
        } catch (IOException e) {
            throw new LocalStackException("cannot create the Kafka work dir: " + e.getMessage(), e);
        }
        dir = dir.toAbsolutePath();
        try {
            List<Path> classpath = Locations.kafkaClasspath();
            for (int attempt = 1; ; attempt++) {
                int[] ports = Ports.freeLoopbackPorts(2);
                ChildProcess child = launch(options, dir, classpath, ports[0], ports[1], false);
                try {
                    awaitReady(
                            child,
                            ports[0],
                            Instant.now().plus(options.startupTimeout),
                            adminSecurity(options));
                    Duration took = Duration.between(t0, Instant.now());
                    LOG.log(
                            System.Logger.Level.INFO,
                            "Kafka broker ready on 127.0.0.1:{0} in {1} ms (pid {2}, logs {3})",
                            String.valueOf(ports[0]),
                            took.toMillis(),
                            String.valueOf(child.handle().pid()),
                            dir);
                    return new KafkaBroker(dir, owns, ports[0], ports[1], child, took, options);
                } catch (LocalStackException e) {
                    child.stop();
                    boolean bindConflict =
                            ChildProcess.logContains(
                                    child.logFile(), "Address already in use", "BindException");
                    if (attempt < 2 && bindConflict) {
                        LOG.log(
                                System.Logger.Level.WARNING,
                                "Kafka broker lost a port race; retrying on new ports");
                        continue;
                    }
                    throw e;
                }
            }
        } catch (RuntimeException e) {
            if (owns) {
                Locations.deleteRecursively(dir);
            }
            throw e;
        }
    }

    private static ChildProcess launch(
            Options o,
            Path dir,
            List<Path> classpath,
            int port,
            int controllerPort,
            boolean keepData) {
        Path data = dir.resolve("data");
        Path config = dir.resolve("server.properties");
        Path log4j = dir.resolve("log4j2.properties");
        if (!keepData) {
            Locations.deleteRecursively(data);
        }

        Map<String, String> p = new LinkedHashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        // Static voters: the controller address comes from this file on every start (ports change
        // per start).
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.put("controller.listener.names", "CONTROLLER");
        if (o.adminPassword == null) {
            p.put(
                    "listeners",
                    "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
            p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
            p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
            p.put("inter.broker.listener.name", "PLAINTEXT");
        } else {
            p.putAll(secured(o.adminPassword, port, controllerPort));
        }
        p.put("log.dirs", data.toString());
        p.put("num.partitions", String.valueOf(o.numPartitions));
        p.put("auto.create.topics.enable", String.valueOf(o.autoCreateTopics));
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("log.cleaner.dedupe.buffer.size", String.valueOf(32L * 1024 * 1024));
        p.putAll(o.properties);
        writeLines(
                config,
                p.entrySet().stream()
                        .map(e -> e.getKey() + "=" + e.getValue())
                        .collect(Collectors.toList()));
        if (o.adminPassword != null) {
            // It holds the super user's password: owner-only, like the directory around it.
            ownerOnly(config, "rw-------");
            ownerOnly(dir, "rwx------");
        }
        writeLines(
                log4j,
                List.of(
                        "status = warn",
                        "appender.out.type = Console",
                        "appender.out.name = OUT",
                        "appender.out.layout.type = PatternLayout",
                        "appender.out.layout.pattern = [%d] %p %m (%c)%n",
                        "rootLogger.level = INFO",
                        "rootLogger.appenderRef.out.ref = OUT",
                        "logger.config.name = org.apache.kafka.common.config.AbstractConfig",
                        "logger.config.level = WARN"));

        String java = Locations.javaExecutable();
        String cp =
                classpath.stream()
                        .map(Path::toString)
                        .collect(Collectors.joining(File.pathSeparator));
        // log4j2 must not stop in its own shutdown hook while Kafka still logs its controlled
        // shutdown.
        List<String> jvm =
                List.of(
                        "-Djava.awt.headless=true",
                        "-Dlog4j2.configurationFile=" + log4j,
                        "-Dlog4j2.shutdownHookEnabled=false",
                        "-Dkafka.logs.dir=" + dir);

        List<String> format =
                new ArrayList<>(
                        List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        format.addAll(jvm);
        format.addAll(
                List.of(
                        "-cp",
                        cp,
                        "kafka.tools.StorageTool",
                        "format",
                        "-t",
                        Uuid.randomUuid().toString(),
                        "-c",
                        config.toString(),
                        "--ignore-formatted"));
        if (o.adminPassword != null) {
            // The super user must exist before the broker talks to itself over SCRAM.
            format.addAll(
                    List.of(
                            "--add-scram",
                            SCRAM + "=[name=" + ADMIN + ",password=" + o.adminPassword + "]"));
        }
        // A resumed broker keeps its formatted log dirs (formatting again would give another
        // cluster id).
        if (!keepData || !Files.exists(data.resolve("meta.properties"))) {
            Path formatLog = dir.resolve("storage-format.log");
            int rc =
                    ChildProcess.run(
                            "kafka-storage-format", format, dir, formatLog, o.startupTimeout);
            if (rc != 0) {
                throw new LocalStackException(
                        "kafka.tools.StorageTool format failed (exit "
                                + rc
                                + ")"
                                + ChildProcess.logTailMessage(formatLog, 30));
            }
        }

        String launcherCp = Locations.watchdogClasses(dir) + File.pathSeparator + cp;
        List<String> broker =
                new ArrayList<>(
                        List.of(
                                java,
                                "-Xmx" + o.maxHeap,
                                "-XX:+UseSerialGC",
                                "-XX:TieredStopAtLevel=1",
                                "-XX:+ExitOnOutOfMemoryError"));
        broker.addAll(jvm);
        broker.addAll(o.jvmOptions);
        broker.addAll(
                List.of(
                        "-cp",
                        launcherCp,
                        Locations.WATCHDOG_MAIN,
                        String.valueOf(ProcessHandle.current().pid()),
                        "kafka.Kafka",
                        config.toString()));
        return ChildProcess.start("kafka-broker", broker, dir, dir.resolve("broker.log"));
    }

    private static void awaitReady(
            ChildProcess child, int port, Instant deadline, Map<String, String> security) {
        // 1. wait for the listener (cheap, and keeps the AdminClient from logging connection
        // warnings)
        while (!Ports.accepts(port)) {
            checkAlive(child);
            checkDeadline(child, deadline, null);
            sleep(100);
        }
        // 2. wait until an AdminClient sees the broker in the cluster metadata
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + port);
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "local-stack-readiness");
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
        props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "500");
        props.putAll(security);
        Exception last = null;
        try (Admin admin = Admin.create(props)) {
            while (true) {
                checkAlive(child);
                checkDeadline(child, deadline, last);
                try {
                    Collection<Node> nodes =
                            admin.describeCluster(new DescribeClusterOptions().timeoutMs(5000))
                                    .nodes()
                                    .get(6, TimeUnit.SECONDS);
                    if (!nodes.isEmpty()) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    last = e;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new LocalStackException(
                            "interrupted while waiting for the Kafka broker", e);
                }
                sleep(200);
            }
        }
    }

    private static void checkAlive(ChildProcess child) {
        if (!child.isAlive()) {
            throw new LocalStackException(
                    "Kafka broker exited during start-up (exit "
                            + child.exitValue()
                            + ")"
                            + child.logTailMessage());
        }
    }

    private static void checkDeadline(ChildProcess child, Instant deadline, Exception last) {
        if (Instant.now().isAfter(deadline)) {
            throw new LocalStackException(
                    "Kafka broker not ready in time"
                            + (last == null ? "" : " (last AdminClient error: " + last + ")")
                            + child.logTailMessage());
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LocalStackException("interrupted during start-up", e);
        }
    }

    private static void writeLines(Path file, List<String> lines) {
        try {
            Files.write(file, lines, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The server.properties of a SCRAM broker. The controller listener (loopback, KRaft only) uses
     * SASL/PLAIN with the admin's static credentials, because SCRAM credentials live in the
     * metadata the controller serves.
     */
    private static Map<String, String> secured(String adminPassword, int port, int controllerPort) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put(
                "listeners",
                "SASL_PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "SASL_PLAINTEXT://127.0.0.1:" + port);
        p.put(
                "listener.security.protocol.map",
                "SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT");
        p.put("inter.broker.listener.name", "SASL_PLAINTEXT");
        p.put("sasl.enabled.mechanisms", SCRAM);
        p.put("sasl.mechanism.inter.broker.protocol", SCRAM);
        p.put(
                "listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config",
                scramJaas(ADMIN, adminPassword));
        p.put("sasl.mechanism.controller.protocol", "PLAIN");
        p.put("listener.name.controller.sasl.enabled.mechanisms", "PLAIN");
        p.put(
                "listener.name.controller.plain.sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
                        + ADMIN
                        + "\" password=\""
                        + adminPassword
                        + "\" user_"
                        + ADMIN
                        + "=\""
                        + adminPassword
                        + "\";");
        p.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        p.put("super.users", "User:" + ADMIN);
        p.put("allow.everyone.if.no.acl.found", "false");
        return p;
    }

    private static String scramJaas(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                + user
                + "\" password=\""
                + password
                + "\";";
    }

    /** The client settings (security.protocol, sasl.*) of {@code user} on a SCRAM broker. */
    public static Map<String, String> scramClient(String user, String password) {
        return Map.of(
                "security.protocol",
                "SASL_PLAINTEXT",
                "sasl.mechanism",
                SCRAM,
                "sasl.jaas.config",
                scramJaas(user, password));
    }

    private static void ownerOnly(Path path, String permissions) {
        try {
            Files.setPosixFilePermissions(
                    path, java.nio.file.attribute.PosixFilePermissions.fromString(permissions));
        } catch (IOException e) {
            throw new LocalStackException("cannot restrict " + path + ": " + e.getMessage(), e);
        }
    }

    private static Map<String, String> adminSecurity(Options o) {
        return o.adminPassword == null ? Map.of() : scramClient(ADMIN, o.adminPassword);
    }

    /** Whether clients must authenticate ({@link Options#scram}). */
    public boolean secured() {
        return options.adminPassword != null;
    }

    /** The super user's client settings; empty on a plaintext broker. */
    public Map<String, String> adminClientSecurity() {
        return adminSecurity(options);
    }

    /** Creates (or changes the password of) a SCRAM user; only on a secured broker. */
    public void addScramUser(String user, String password) {
        if (!secured()) {
            throw new IllegalStateException("the broker was started without SCRAM");
        }
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.putAll(adminClientSecurity());
        try (Admin admin = Admin.create(props)) {
            admin.alterUserScramCredentials(
                            List.of(
                                    new UserScramCredentialUpsertion(
                                            user,
                                            new ScramCredentialInfo(
                                                    ScramMechanism.SCRAM_SHA_512, 8192),
                                            password)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new LocalStackException("cannot create SCRAM user " + user + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LocalStackException("interrupted creating SCRAM user " + user, e);
        }
    }

    /** {@code "127.0.0.1:PORT"}. */
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** The PLAINTEXT (client) port. */
    public int port() {
        return port;
    }

    /** The KRaft CONTROLLER port. */
    public int controllerPort() {
        return controllerPort;
    }

    /** Config, data and logs of this broker. */
    public Path workDir() {
        return workDir;
    }

    /** The broker's stdout/stderr. */
    public Path logFile() {
        return process.logFile();
    }

    /** The broker JVM (e.g. {@code process().isAlive()}). */
    public ProcessHandle process() {
        return process.handle();
    }

    /**
     * Wall time from {@link #start} to ready (format + JVM start + first successful
     * describeCluster).
     */
    public Duration startupTime() {
        return startupTime;
    }

    /** Asks the broker to stop (controlled shutdown); returns at once. {@link #close()} waits. */
    void requestStop() {
        process.requestStop();
    }

    /**
     * Stops the broker (SIGTERM, up to 15 s, then SIGKILL); deletes the work dir if it was a temp
     * dir. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        process.stop();
        if (ownsWorkDir) {
            Locations.deleteRecursively(workDir);
        }
    }

    @Override
    public String toString() {
        return "KafkaBroker["
                + bootstrapServers()
                + ", pid "
                + process.handle().pid()
                + ", "
                + workDir
                + "]";
    }
}
