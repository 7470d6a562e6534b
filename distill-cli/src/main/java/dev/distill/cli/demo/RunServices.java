package dev.distill.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.distill.cli.support.CorpusScores;
import dev.distill.core.data.PromptTemplate;
import dev.distill.localstack.ServiceProcess;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The three packaged services of one run, as child processes on known ports, stopped together. */
final class RunServices implements AutoCloseable {
    record Service(String name, ServiceProcess process, int port, Path log) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<Service> services = new ArrayList<>();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    static RunServices start(RunPlan p, String bootstrap, String registryUrl) throws IOException {
        RunServices s = new RunServices();
        try {
            Files.createDirectories(p.workDir());
            Map<String, String> producer = new LinkedHashMap<>();
            producer.put("distill.producer.run-id", p.runId());
            producer.put("distill.producer.teacher-model", p.teacher().toString());
            producer.put("distill.producer.initial-student", p.student().toString());
            producer.put(
                    "distill.producer.checkpoint-store",
                    p.workDir().resolve("checkpoints").toString());
            producer.put("distill.producer.mode", p.producerMode());
            producer.put("distill.producer.alpha", String.valueOf(p.alpha()));
            producer.put("distill.producer.support-k", String.valueOf(p.supportK()));
            producer.put("distill.producer.max-new-tokens", String.valueOf(p.maxNewTokens()));
            producer.put("distill.producer.seed", String.valueOf(p.seed()));
            producer.put("distill.producer.poll-timeout", "200ms");
            if (!p.promptTemplate().equals(PromptTemplate.DEFAULT)) {
                producer.put("distill.producer.prompt-template", p.promptTemplate().plain());
                producer.put(
                        "distill.producer.prompt-template-with-input",
                        p.promptTemplate().withInput());
            }
            s.add(
                    "producer-teacher",
                    producer,
                    p,
                    bootstrap,
                    registryUrl,
                    "distill.producer.registry-url");

            Map<String, String> trainer = new LinkedHashMap<>();
            trainer.put("distill.trainer.run-id", p.runId());
            trainer.put("distill.trainer.initial-checkpoint", p.student().toString());
            trainer.put(
                    "distill.trainer.checkpoint-dir",
                    p.workDir().resolve("checkpoints").toString());
            trainer.put("distill.trainer.objective", p.objective().id());
            trainer.put("distill.trainer.rollouts-per-round", String.valueOf(p.rolloutsPerRound()));
            trainer.put("distill.trainer.epochs", String.valueOf(p.epochs()));
            trainer.put("distill.trainer.mini-batch", String.valueOf(p.miniBatch()));
            trainer.put("distill.trainer.learning-rate", String.valueOf(p.learningRate()));
            trainer.put("distill.trainer.seed", String.valueOf(p.seed()));
            trainer.put("distill.trainer.max-rounds", String.valueOf(p.rounds()));
            trainer.put("distill.trainer.max-staleness", String.valueOf(p.maxStaleness()));
            trainer.put("distill.trainer.poll-timeout", "200ms");
            if (p.pretrainCorpus() != null) {
                trainer.put("distill.trainer.pretrain-corpus", p.pretrainCorpus().toString());
                trainer.put(
                        "distill.trainer.pretrain-window-tokens",
                        String.valueOf(CorpusScores.WINDOW_TOKENS));
                trainer.put(
                        "distill.trainer.pretrain-teacher-share",
                        String.valueOf(p.pretrainTeacherShare()));
                if (p.pretrainTeacherScores() != null) {
                    trainer.put(
                            "distill.trainer.pretrain-teacher-scores",
                            p.pretrainTeacherScores().toString());
                }
            }
            s.add(
                    "trainer-student",
                    trainer,
                    p,
                    bootstrap,
                    registryUrl,
                    "distill.trainer.registry-url");

            Map<String, String> evaluator = new LinkedHashMap<>();
            evaluator.put("distill.evaluator.run-id", p.runId());
            evaluator.put("distill.evaluator.every", String.valueOf(p.evalEvery()));
            evaluator.put("distill.evaluator.held-out", p.heldOut().toString());
            evaluator.put("distill.evaluator.dataset", "data/suite test");
            evaluator.put("distill.evaluator.held-out-limit", String.valueOf(p.heldOutItems()));
            evaluator.put("distill.evaluator.tokenizer-dir", p.student().toString());
            evaluator.put("distill.evaluator.teacher-model", p.teacher().toString());
            evaluator.put(
                    "distill.evaluator.checkpoint-store",
                    p.workDir().resolve("checkpoints").toString());
            evaluator.put("distill.evaluator.seeds", p.evalSeeds());
            evaluator.put("distill.evaluator.max-new-tokens", String.valueOf(p.maxNewTokens()));
            evaluator.put("distill.evaluator.batch-size", String.valueOf(p.evalBatch()));
            evaluator.put(
                    "kafka-streams.state.dir", p.workDir().resolve("evaluator-streams").toString());
            if (!p.promptTemplate().equals(PromptTemplate.DEFAULT)) {
                evaluator.put("distill.evaluator.prompt-template", p.promptTemplate().plain());
                evaluator.put(
                        "distill.evaluator.prompt-template-with-input",
                        p.promptTemplate().withInput());
            }
            s.add(
                    "evaluator",
                    evaluator,
                    p,
                    bootstrap,
                    registryUrl,
                    "distill.evaluator.registry-url");
            return s;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private void add(
            String module,
            Map<String, String> props,
            RunPlan p,
            String bootstrap,
            String registryUrl,
            String registryKey)
            throws IOException {
        int port = freePort();
        props.put("kafka.bootstrap.servers", bootstrap);
        props.put(registryKey, registryUrl);
        props.put("quarkus.http.port", String.valueOf(port));
        Path log = p.workDir().resolve(module + ".log");
        services.add(
                new Service(
                        module,
                        ServiceProcess.of(Path.of(System.getProperty("distill.home", ".")), module)
                                .properties(props)
                                .log(log)
                                .start(),
                        port,
                        log));
    }

    List<Service> services() {
        return services;
    }

    /**
     * Waits until every service reports ready on /q/health/ready; a service that exits fails with
     * its log's tail.
     */
    void awaitReady(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Service s : services) {
            while (true) {
                checkAlive();
                HttpResponse<String> r = readiness(s, Duration.ofSeconds(2));
                if (r != null && r.statusCode() == 200) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new IOException(
                            s.name()
                                    + " not ready after "
                                    + timeout.toSeconds()
                                    + " s; its log: "
                                    + s.log()
                                    + "\n"
                                    + tail(s.log()));
                }
                Thread.sleep(500);
            }
        }
    }

    /**
     * Throws with the log's tail when a service has exited: it never stops on its own during a run.
     */
    void checkAlive() throws IOException {
        for (Service s : services) {
            if (!s.process().isAlive()) {
                throw new IOException(
                        s.name() + " exited; its log: " + s.log() + "\n" + tail(s.log()));
            }
        }
    }

    /**
     * Throws when a service reports its loop DOWN (failed: e.g. a model it cannot load); the
     * process keeps serving its health endpoint then, so only readiness tells.
     */
    void checkReady() throws IOException, InterruptedException {
        checkAlive();
        for (Service s : services) {
            // No answer (busy) is not a failure; a dead process is caught above.
            HttpResponse<String> r = readiness(s, Duration.ofSeconds(5));
            if (r != null && r.statusCode() != 200) {
                throw new IOException(
                        s.name()
                                + " is not ready: "
                                + r.body().replaceAll("\\s+", " ")
                                + "\nits log: "
                                + s.log()
                                + "\n"
                                + tail(s.log()));
            }
        }
    }

    /**
     * The service's /q/health/ready answer, or null when it does not answer (not listening yet, or
     * busy).
     */
    private HttpResponse<String> readiness(Service s, Duration timeout)
            throws InterruptedException {
        try {
            return http.send(
                    HttpRequest.newBuilder(
                                    URI.create("http://localhost:" + s.port() + "/q/health/ready"))
                            .timeout(timeout)
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * The student version the producer samples with, from its readiness data; -1 when it does not
     * answer (starting, or busy).
     */
    long producerStudentVersion() throws InterruptedException {
        for (Service s : services) {
            if (s.name().equals("producer-teacher")) {
                HttpResponse<String> r = readiness(s, Duration.ofSeconds(2));
                if (r == null || r.statusCode() != 200) {
                    return -1;
                }
                try {
                    for (JsonNode check : JSON.readTree(r.body()).path("checks")) {
                        if (check.path("name").asText().equals("producer-loop")) {
                            return check.path("data").path("student-version").asLong(-1);
                        }
                    }
                } catch (IOException e) {
                    return -1;
                }
            }
        }
        return -1;
    }

    static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 25), lines.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /**
     * SIGTERM to all at once (each drains and stops its loop), then waits; a service that hangs is
     * killed.
     */
    @Override
    public void close() {
        List<Thread> stops = new ArrayList<>();
        for (Service s : services) {
            Thread t =
                    new Thread(
                            () -> {
                                try {
                                    s.process().close();
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                }
                            });
            t.start();
            stops.add(t);
        }
        for (Thread t : stops) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
