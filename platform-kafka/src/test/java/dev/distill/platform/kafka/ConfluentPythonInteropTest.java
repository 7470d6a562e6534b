package dev.distill.platform.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.distill.localstack.LocalStack;
import dev.distill.schemas.avro.Prompt;
import dev.distill.schemas.avro.Rollout;
import dev.distill.schemas.avro.RolloutKind;
import dev.distill.schemas.avro.TokenScore;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The platform's Java serde (Apicurio, Confluent wire format, {@link WireFormat}) against a real
 * third-party client: Confluent's own Python client ({@code confluent_kafka.avro}, Debian
 * python3-confluent-kafka 1.7 + python3-avro), driven through {@code interop/confluent_client.py},
 * on the local stack's real broker and registry (Confluent API at {@code /apis/ccompat/v7}).
 */
@Tag("integration")
class ConfluentPythonInteropTest {
    static final String INSTALL_HINT =
            "install python3-confluent-kafka, python3-avro and python3-requests "
                    + "(./verify, the README's test command, does this)";
    static final Duration PYTHON_TIMEOUT = Duration.ofSeconds(90);
    static final ObjectMapper JSON = new ObjectMapper();

    static final String PY_TO_JAVA = "interop.prompts.py-to-java";
    static final String JAVA_TO_PY = "interop.rollouts.java-to-py";
    static final String PY_TO_PY = "interop.prompts.py-to-py";
    static final String SAME_ID_JAVA_FIRST = "interop.prompts.same-id.java-first";
    static final String SAME_ID_PYTHON_FIRST = "interop.prompts.same-id.python-first";

    static String python;
    static Path moduleDir;
    static Path script;
    static Path work;
    static LocalStack stack;
    static final AtomicInteger runs = new AtomicInteger();

    @BeforeAll
    static void startStack() throws Exception {
        python = System.getProperty("interop.python", "/usr/bin/python3");
        moduleDir =
                Path.of(System.getProperty("platform.basedir", "")).toAbsolutePath().normalize();
        script = moduleDir.resolveSibling("interop").resolve("confluent_client.py");
        assertTrue(
                Files.isRegularFile(script),
                "missing " + script + " (platform.basedir=" + moduleDir + ")");
        work =
                Files.createDirectories(
                        moduleDir
                                .resolve("target")
                                .resolve("python-interop-" + System.currentTimeMillis()));

        // Fail, not skip: the interop check is part of the build, so a machine without the client
        // must say so.
        PyResult probe;
        try {
            // The script's own imports, so the check needs exactly what the test needs (./verify
            // runs the same).
            probe = runPython(List.of(script.toString(), "version"), Duration.ofSeconds(30), true);
        } catch (IOException e) {
            throw new AssertionError(
                    INSTALL_HINT + " -- cannot run " + python + ": " + e.getMessage(), e);
        }
        if (probe.exitCode != 0) {
            fail(
                    INSTALL_HINT
                            + " -- "
                            + python
                            + " "
                            + script
                            + " version failed:\n"
                            + probe.describe());
        }

        stack = LocalStack.start(LocalStack.Options.defaults().workDir(work.resolve("stack")));
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
            admin.createTopics(
                            List.of(
                                    new NewTopic(PY_TO_JAVA, 1, (short) 1),
                                    new NewTopic(JAVA_TO_PY, 1, (short) 1),
                                    new NewTopic(PY_TO_PY, 2, (short) 1),
                                    new NewTopic(SAME_ID_JAVA_FIRST, 1, (short) 1),
                                    new NewTopic(SAME_ID_PYTHON_FIRST, 1, (short) 1)))
                    .all()
                    .get();
        }
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    // ------------------------------------------------------------------------------------------------------

    @Test
    void pythonProducedPromptsAreReadByTheJavaSpecificReader() throws Exception {
        ObjectNode withoutContext =
                promptJson("py2java-1", null, List.of("ref one", "réf deux ☃"), 1_700_000_000_123L);
        ObjectNode withContext =
                promptJson(
                        "py2java-2", "some context\nwith a newline", List.of(), 1_700_000_999_001L);
        int id1 = producePrompt(PY_TO_JAVA, withoutContext);
        int id2 = producePrompt(PY_TO_JAVA, withContext);
        assertEquals(id1, id2, "one schema, one id");

        List<ConsumerRecord<String, Object>> records = readAll(PY_TO_JAVA, true, 2);
        assertEquals(2, records.size(), records.toString());
        assertPromptEquals(withoutContext, records.get(0));
        assertPromptEquals(withContext, records.get(1));

        // The bytes on the topic: Confluent framing, id resolvable through the Confluent API.
        List<ConsumerRecord<String, Object>> raw = readAll(PY_TO_JAVA, false, 2);
        for (ConsumerRecord<String, Object> r : raw) {
            ByteBuffer bytes = ByteBuffer.wrap((byte[]) r.value());
            assertEquals(0, bytes.get(), "magic byte");
            int id = bytes.getInt();
            assertEquals(id1, id, "the id Python reported is the one in the payload");
            assertEquals(
                    0, r.headers().toArray().length, "no headers: the id travels in the payload");
            JsonNode schema = JSON.readTree(httpGet(stack.confluentUrl() + "/schemas/ids/" + id));
            JsonNode parsed = JSON.readTree(schema.get("schema").asText());
            assertEquals("Prompt", parsed.get("name").asText(), schema.toString());
            assertEquals(
                    "dev.distill.schemas.avro",
                    parsed.get("namespace").asText(),
                    schema.toString());
        }
        JsonNode subjects = JSON.readTree(httpGet(stack.confluentUrl() + "/subjects"));
        assertTrue(
                subjects.toString().contains("\"" + PY_TO_JAVA + "-value\""),
                "TopicNameStrategy subject: " + subjects);
    }

    @Test
    void javaProducedRolloutsAreReadByThePythonClient() throws Exception {
        Rollout rollout =
                Rollout.newBuilder()
                        .setRolloutId("java2py-r1")
                        .setPromptId("java2py-p1")
                        .setRunId("run-interop")
                        .setKind(RolloutKind.SAMPLED)
                        .setPromptTokens(List.of(5, 17, 2))
                        .setResponseTokens(List.of(9, 4, 21))
                        .setBehaviourVersion(3L)
                        .setTeacherModel("gpt2-xl ✓")
                        .setAlpha(0.2)
                        .setSeed(1_234_567_890_123L)
                        .setTokens(
                                List.of(
                                        token(
                                                -0.1234567f,
                                                -1.5f,
                                                List.of(9, 3, 7),
                                                List.of(-0.1234567f, -2.75f, -3.0e-4f),
                                                -5.4321f),
                                        token(
                                                -2.0f,
                                                -0.333333f,
                                                List.of(4),
                                                List.of(-2.0f),
                                                -0.145f),
                                        token(
                                                -1.0e-7f,
                                                -12.5f,
                                                List.of(),
                                                List.of(),
                                                -Float.MIN_NORMAL)))
                        .setCreatedAt(Instant.ofEpochMilli(1_700_000_123_456L))
                        .build();
        javaProduce(JAVA_TO_PY, rollout.getPromptId(), rollout);

        // Confluent's Python client 1.7 knows nothing of schema references: the schema behind the
        // id must be self-contained (TokenScore and RolloutKind inline), or it cannot even parse
        // it.
        JsonNode registered =
                JSON.readTree(
                        httpGet(
                                stack.confluentUrl()
                                        + "/subjects/"
                                        + JAVA_TO_PY
                                        + "-value/versions/latest"));
        assertTrue(
                registered.path("references").isEmpty(),
                "the Java serializer registered Rollout with schema references "
                        + registered.path("references")
                        + " (nested named types as separate subjects), which Confluent's Python"
                        + " client cannot resolve; WireFormat.serdeConfig needs"
                        + " apicurio.registry.dereference-schema=true. Registered: "
                        + registered);

        PyResult r = consume(JAVA_TO_PY, 1);
        List<JsonNode> lines = r.jsonLines();
        assertEquals(1, lines.size(), r.describe());
        JsonNode v = lines.get(0);
        String ctx = r.describe();
        assertEquals(rollout.getRolloutId(), v.get("rolloutId").asText(), ctx);
        assertEquals(rollout.getPromptId(), v.get("promptId").asText(), ctx);
        assertEquals(rollout.getRunId(), v.get("runId").asText(), ctx);
        assertEquals("SAMPLED", v.get("kind").asText(), ctx);
        assertEquals(rollout.getPromptTokens(), ints(v.get("promptTokens")), ctx);
        assertEquals(rollout.getResponseTokens(), ints(v.get("responseTokens")), ctx);
        assertEquals(3L, v.get("behaviourVersion").asLong(), ctx);
        assertTrue(v.get("behaviourVersion").isIntegralNumber(), ctx);
        assertEquals(rollout.getTeacherModel(), v.get("teacherModel").asText(), ctx);
        assertEquals(0.2, v.get("alpha").asDouble(), 1e-12, ctx);
        assertEquals(1_234_567_890_123L, v.get("seed").asLong(), ctx);
        assertEquals(
                1_700_000_123_456L,
                v.get("createdAt").asLong(),
                "createdAt as epoch millis: " + ctx);
        assertEquals(rollout.getTokens().size(), v.get("tokens").size(), ctx);
        for (int t = 0; t < rollout.getTokens().size(); t++) {
            TokenScore expected = rollout.getTokens().get(t);
            JsonNode actual = v.get("tokens").get(t);
            String at = "token " + t + ": " + ctx;
            assertEquals(
                    expected.getTeacherLogProb(),
                    actual.get("teacherLogProb").asDouble(),
                    1e-6,
                    at);
            assertEquals(
                    expected.getBehaviourLogProb(),
                    actual.get("behaviourLogProb").asDouble(),
                    1e-6,
                    at);
            assertEquals(
                    expected.getTeacherTailLogMass(),
                    actual.get("teacherTailLogMass").asDouble(),
                    1e-6,
                    at);
            assertEquals(expected.getSupportIds(), ints(actual.get("supportIds")), at);
            JsonNode logProbs = actual.get("supportTeacherLogProbs");
            assertEquals(expected.getSupportTeacherLogProbs().size(), logProbs.size(), at);
            for (int i = 0; i < logProbs.size(); i++) {
                assertEquals(
                        expected.getSupportTeacherLogProbs().get(i),
                        logProbs.get(i).asDouble(),
                        1e-6,
                        at);
                // float32 on the wire: Python's double is that float exactly.
                assertEquals(
                        expected.getSupportTeacherLogProbs().get(i),
                        (float) logProbs.get(i).asDouble(),
                        0f,
                        at);
            }
        }
    }

    @Test
    void pythonToPythonRoundTrip() throws Exception {
        List<ObjectNode> sent =
                List.of(
                        promptJson("py2py-1", null, List.of(), 0L),
                        promptJson("py2py-2", "ctx ✓", List.of("a", "b", "c"), 4_102_444_800_000L));
        for (ObjectNode prompt : sent) {
            producePrompt(PY_TO_PY, prompt);
        }
        PyResult r = consume(PY_TO_PY, sent.size());
        List<JsonNode> got = new ArrayList<>(r.jsonLines());
        assertEquals(sent.size(), got.size(), r.describe());
        got.sort(
                (a, b) ->
                        a.get("id")
                                .asText()
                                .compareTo(b.get("id").asText())); // two partitions: any order
        for (int i = 0; i < sent.size(); i++) {
            // Through text, so that 0 is an int node on both sides (Jackson's IntNode(0) !=
            // LongNode(0)).
            assertEquals(
                    JSON.readTree(JSON.writeValueAsString(sent.get(i))), got.get(i), r.describe());
        }
    }

    @Test
    void javaAndPythonRegisteringThePromptSchemaGetTheSameId() throws Exception {
        // Whichever registers first, the other finds that version: one subject version, one id.
        int javaFirst = javaPromptId(SAME_ID_JAVA_FIRST, "java-first-java");
        int pythonSecond =
                producePrompt(
                        SAME_ID_JAVA_FIRST,
                        promptJson("java-first-py", null, List.of(), 1_700_000_000_001L));
        assertSameSchema(
                SAME_ID_JAVA_FIRST, javaFirst, pythonSecond, "Java registered first, then Python");

        int pythonFirst =
                producePrompt(
                        SAME_ID_PYTHON_FIRST,
                        promptJson("python-first-py", null, List.of(), 1_700_000_000_002L));
        int javaSecond = javaPromptId(SAME_ID_PYTHON_FIRST, "python-first-java");
        assertSameSchema(
                SAME_ID_PYTHON_FIRST,
                javaSecond,
                pythonFirst,
                "Python registered first, then Java");

        // And Java reads both producers' records with the one id.
        for (String topic : List.of(SAME_ID_JAVA_FIRST, SAME_ID_PYTHON_FIRST)) {
            List<ConsumerRecord<String, Object>> records = readAll(topic, true, 2);
            assertEquals(
                    records.stream().map(ConsumerRecord::key).toList(),
                    records.stream().map(rec -> ((Prompt) rec.value()).getId()).toList());
        }
    }

    /** Produces a Prompt with the Java serializer and returns the id in its payload. */
    static int javaPromptId(String topic, String id) throws Exception {
        Prompt prompt =
                Prompt.newBuilder()
                        .setId(id)
                        .setRunId("run-interop")
                        .setInstruction("hi")
                        .setContext(null)
                        .setReferences(List.of())
                        .setSource("java")
                        .setCreatedAt(Instant.ofEpochMilli(1_700_000_000_000L))
                        .build();
        javaProduce(topic, id, prompt);
        ConsumerRecord<String, Object> raw =
                readAll(topic, false, -1).stream()
                        .filter(r -> r.key().equals(id))
                        .findFirst()
                        .orElseThrow();
        ByteBuffer bytes = ByteBuffer.wrap((byte[]) raw.value());
        assertEquals(0, bytes.get(), "magic byte");
        return bytes.getInt();
    }

    static void assertSameSchema(String topic, int javaId, int pythonId, String order)
            throws Exception {
        String versions = httpGet(stack.confluentUrl() + "/subjects/" + topic + "-value/versions");
        if (javaId != pythonId) {
            String javaSchema =
                    JSON.readTree(httpGet(stack.confluentUrl() + "/schemas/ids/" + javaId))
                            .get("schema")
                            .asText();
            String pythonSchema =
                    JSON.readTree(httpGet(stack.confluentUrl() + "/schemas/ids/" + pythonId))
                            .get("schema")
                            .asText();
            String hint =
                    javaSchema.contains("avro.java.string")
                            ? "the Java serializer registers the generated class's schema, whose"
                                  + " strings carry \"avro.java.string\": \"String\""
                                  + " (avro-maven-plugin stringType=String); Apicurio's canonical"
                                  + " form keeps that property, so it never matches the .avsc that"
                                  + " other clients register. "
                            : "";
            fail(
                    order
                            + ": Java id "
                            + javaId
                            + ", Python id "
                            + pythonId
                            + ", subject versions "
                            + versions
                            + ". "
                            + hint
                            + "\nJava schema:   "
                            + javaSchema
                            + "\nPython schema: "
                            + pythonSchema);
        }
        assertEquals(
                "[1]",
                versions.replace(" ", ""),
                order + ": the same schema is one version of the subject");
    }

    static void javaProduce(String topic, String key, Object value) throws Exception {
        Map<String, Object> p = new HashMap<>(WireFormat.serdeConfig(stack.registryUrl()));
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, WireFormat.SERIALIZER);
        try (KafkaProducer<String, Object> producer = new KafkaProducer<>(p)) {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        }
    }

    // ------------------------------------------------------------------------------------------------------

    static TokenScore token(
            float teacher, float behaviour, List<Integer> ids, List<Float> logProbs, float tail) {
        return TokenScore.newBuilder()
                .setTeacherLogProb(teacher)
                .setBehaviourLogProb(behaviour)
                .setSupportIds(ids)
                .setSupportTeacherLogProbs(logProbs)
                .setTeacherTailLogMass(tail)
                .build();
    }

    static ObjectNode promptJson(
            String id, String context, List<String> references, long createdAtMillis) {
        ObjectNode n = JSON.createObjectNode();
        n.put("id", id);
        n.put("runId", "run-interop");
        n.put("instruction", "Translate \"" + id + "\" to French — ünïcödé ✓");
        if (context == null) {
            n.putNull("context");
        } else {
            n.put("context", context);
        }
        ArrayNode refs = n.putArray("references");
        references.forEach(refs::add);
        n.put("source", "python-interop");
        n.put("createdAt", createdAtMillis);
        return n;
    }

    static void assertPromptEquals(ObjectNode expected, ConsumerRecord<String, Object> record) {
        String ctx = "expected " + expected + ", got " + record.value();
        assertEquals(expected.get("id").asText(), record.key(), "key = id; " + ctx);
        Prompt p = assertInstanceOf(Prompt.class, record.value(), "specific reader: " + ctx);
        assertEquals(expected.get("id").asText(), p.getId(), ctx);
        assertEquals(expected.get("runId").asText(), p.getRunId(), ctx);
        assertEquals(expected.get("instruction").asText(), p.getInstruction(), ctx);
        if (expected.get("context").isNull()) {
            assertNull(p.getContext(), ctx);
        } else {
            assertEquals(expected.get("context").asText(), p.getContext(), ctx);
        }
        List<String> refs = new ArrayList<>();
        expected.get("references").forEach(n -> refs.add(n.asText()));
        assertEquals(refs, p.getReferences(), ctx);
        assertEquals(expected.get("source").asText(), p.getSource(), ctx);
        assertEquals(
                Instant.ofEpochMilli(expected.get("createdAt").asLong()), p.getCreatedAt(), ctx);
    }

    static List<Integer> ints(JsonNode array) {
        List<Integer> out = new ArrayList<>();
        array.forEach(
                n -> {
                    assertTrue(n.isInt(), "int expected, got " + n);
                    out.add(n.asInt());
                });
        return out;
    }

    /** Produces one Prompt through the Python client; returns the schema id it registered/used. */
    static int producePrompt(String topic, ObjectNode prompt) throws Exception {
        PyResult r =
                runPython(
                        List.of(
                                script.toString(),
                                "produce-prompt",
                                "--bootstrap",
                                stack.bootstrapServers(),
                                "--registry",
                                stack.confluentUrl(),
                                "--topic",
                                topic,
                                "--schema",
                                moduleDir
                                        .resolveSibling("schemas")
                                        .resolve("src/main/avro/Prompt.avsc")
                                        .toString(),
                                "--json",
                                JSON.writeValueAsString(prompt)),
                        PYTHON_TIMEOUT,
                        false);
        assertEquals(0, r.exitCode, "produce-prompt failed:\n" + r.describe());
        List<JsonNode> lines = r.jsonLines();
        assertEquals(1, lines.size(), r.describe());
        assertEquals(prompt.get("id").asText(), lines.get(0).get("key").asText(), r.describe());
        return lines.get(0).get("schemaId").asInt();
    }

    static PyResult consume(String topic, int count) throws Exception {
        PyResult r =
                runPython(
                        List.of(
                                script.toString(),
                                "consume",
                                "--bootstrap",
                                stack.bootstrapServers(),
                                "--registry",
                                stack.confluentUrl(),
                                "--topic",
                                topic,
                                "--count",
                                String.valueOf(count),
                                "--timeout",
                                "60"),
                        PYTHON_TIMEOUT,
                        false);
        assertEquals(0, r.exitCode, "consume failed:\n" + r.describe());
        return r;
    }

    record PyResult(List<String> command, int exitCode, String stdout, String stderr) {
        String describe() {
            return "$ "
                    + String.join(" ", command)
                    + "\nexit code "
                    + exitCode
                    + "\n--- stdout ---\n"
                    + stdout
                    + "\n--- stderr ---\n"
                    + stderr;
        }

        List<JsonNode> jsonLines() {
            List<JsonNode> out = new ArrayList<>();
            for (String line : stdout.split("\n")) {
                if (!line.isBlank()) {
                    try {
                        out.add(JSON.readTree(line));
                    } catch (IOException e) {
                        throw new AssertionError("not a JSON line: " + line + "\n" + describe(), e);
                    }
                }
            }
            return out;
        }
    }

    /**
     * Runs python with a time limit; stdout/stderr go to files (no pipe to fill up) and come back
     * whole.
     */
    static PyResult runPython(List<String> args, Duration timeout, boolean probe)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(python);
        cmd.addAll(args);
        int n = runs.incrementAndGet();
        Path dir = work == null ? Files.createTempDirectory("python-interop") : work;
        Path out = dir.resolve("python-" + n + ".stdout");
        Path err = dir.resolve("python-" + n + ".stderr");
        ProcessBuilder pb =
                new ProcessBuilder(cmd)
                        .directory(moduleDir.toFile())
                        .redirectOutput(out.toFile())
                        .redirectError(err.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(nullFile()));
        pb.environment().put("PYTHONIOENCODING", "utf-8");
        pb.environment().put("PYTHONDONTWRITEBYTECODE", "1");
        pb.environment()
                .remove("PYTHONPATH"); // the system interpreter with its own dist-packages only
        pb.environment().remove("PYTHONHOME");
        Process process = pb.start();
        int exit;
        if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            exit = process.exitValue();
        } else {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            PyResult r = new PyResult(cmd, -1, read(out), read(err));
            if (probe) {
                return r;
            }
            throw new AssertionError(
                    "python did not finish within " + timeout + "\n" + r.describe());
        }
        return new PyResult(cmd, exit, read(out), read(err));
    }

    static java.io.File nullFile() {
        return new java.io.File(
                System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
    }

    static String read(Path p) throws IOException {
        return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
    }

    static String httpGet(String url) throws Exception {
        HttpResponse<String> response =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(URI.create(url))
                                        .timeout(Duration.ofSeconds(10))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), url + ": " + response.body());
        return response.body();
    }

    /**
     * Reads the topic from the beginning until {@code expected} records (or 30 s), or with {@code
     * expected < 0} up to the end offsets; Avro values or raw bytes.
     */
    static List<ConsumerRecord<String, Object>> readAll(String topic, boolean avro, int expected) {
        Map<String, Object> p = new HashMap<>(WireFormat.serdeConfig(stack.registryUrl()));
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                avro ? WireFormat.DESERIALIZER : ByteArrayDeserializer.class.getName());
        List<ConsumerRecord<String, Object>> out = new ArrayList<>();
        try (KafkaConsumer<String, Object> c = new KafkaConsumer<>(p)) {
            List<TopicPartition> tps =
                    c.partitionsFor(topic).stream()
                            .map(i -> new TopicPartition(topic, i.partition()))
                            .toList();
            c.assign(tps);
            c.seekToBeginning(tps);
            Map<TopicPartition, Long> end = c.endOffsets(tps);
            long deadline = System.currentTimeMillis() + 30_000;
            while ((expected < 0
                            ? tps.stream().anyMatch(tp -> c.position(tp) < end.get(tp))
                            : out.size() < expected)
                    && System.currentTimeMillis() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        if (expected >= 0) {
            assertEquals(
                    expected,
                    out.size(),
                    "records on " + topic + ": " + Arrays.toString(out.toArray()));
        }
        return out;
    }
}
