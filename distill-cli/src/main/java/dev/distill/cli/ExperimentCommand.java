package dev.distill.cli;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.distill.cli.support.CorpusScores;
import dev.distill.core.checkpoint.Checkpoints;
import dev.distill.core.data.HeldOutItem;
import dev.distill.core.data.InstructionJsonl;
import dev.distill.core.data.PromptTemplate;
import dev.distill.core.data.TextCorpus;
import dev.distill.core.experiment.Arm;
import dev.distill.core.experiment.ArmRun;
import dev.distill.core.experiment.ExperimentReport;
import dev.distill.core.experiment.ItemScores;
import dev.distill.core.experiment.TestScores;
import dev.distill.core.model.ModelConfig;
import dev.distill.core.tokenizer.SharedVocabulary;
import dev.distill.core.tokenizer.Tokenizer;
import dev.distill.core.tokenizer.Tokenizers;
import dev.distill.core.train.CorpusTeacherScores;
import dev.distill.core.train.PretrainCorpus;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "experiment",
        mixinStandardHelpOptions = true,
        description = {
            "The paper's comparison, reproducible: MiniLLM against SFT trained on, KD, SeqKD and"
                + " GKD, and MiniLLM's ablations, each from the same SFT student on the same"
                + " budget, several training seeds; the checkpoint of each run chosen on the"
                + " validation split; every test item scored under the paper's protocol and greedy;"
                + " paired bootstrap intervals; report in --out/report.md.",
            "Runs in process with the platform's own samplers and trainer (the demo shows the same"
                    + " through Kafka). Resumable: finished runs and scores are kept in --out and"
                    + " skipped when run again."
        })
final class ExperimentCommand implements Callable<Integer> {
    private static final ObjectMapper JSON =
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Spec CommandSpec spec;

    @Option(names = "--teacher", description = "default: models/teacher")
    Path teacher;

    @Option(
            names = "--student",
            description = "the SFT student every arm starts from; default: models/student-sft")
    Path student;

    @Option(names = "--data", description = "default: data/suite")
    Path data;

    @Option(names = "--out", description = "default: runs/experiment")
    Path out;

    @Option(names = "--arms", split = ",", description = "default: all of ${COMPLETION-CANDIDATES}")
    List<String> arms;

    @Option(
            names = "--seeds",
            split = ",",
            defaultValue = "1,2,3",
            description = "training seeds (default: ${DEFAULT-VALUE})")
    long[] seeds;

    @Option(names = "--rounds", defaultValue = "60")
    int rounds;

    @Option(names = "--rollouts-per-round", defaultValue = "64")
    int perRound;

    @Option(names = "--epochs", defaultValue = "2")
    int epochs;

    @Option(names = "--mini-batch", defaultValue = "16")
    int miniBatch;

    @Option(names = "--learning-rate", defaultValue = "1e-4")
    double learningRate;

    @Option(
            names = "--eval-every",
            defaultValue = "10",
            description = "rounds between validation scores (default: ${DEFAULT-VALUE})")
    int evalEvery;

    @Option(names = "--pt-teacher-share", defaultValue = "0.5")
    double ptTeacherShare;

    @Option(names = "--max-new-tokens", defaultValue = "16")
    int maxNewTokens;

    @Option(
            names = "--test-seeds",
            split = ",",
            defaultValue = "10,20,30,40,50",
            description = "sampling seeds of the paper's protocol (default: ${DEFAULT-VALUE})")
    long[] testSeeds;

    @Option(names = "--validation-items", defaultValue = "500")
    int validationItems;

    @Option(names = "--test-items", defaultValue = "500")
    int testItems;

    @Option(
            names = "--jobs",
            defaultValue = "2",
            description =
                    "runs trained at once, each in its own JVM with one engine thread (default:"
                            + " ${DEFAULT-VALUE})")
    int jobs;

    @Option(
            names = "--ship",
            description =
                    "after the report, copy the chosen student of the first seed of minillm, sft,"
                        + " kd and seqkd to DIR/<arm>/ (checkpoint, tokenizer, RUN.json with the"
                        + " run's lineage) and the report to DIR/REPORT.md")
    Path ship;

    /**
     * A child of --jobs: trains and scores the one arm and seed it is given, prints a JSON line, no
     * report.
     */
    @Option(names = "--single", hidden = true)
    boolean single;

    @Override
    public Integer call() throws Exception {
        PrintWriter o = spec.commandLine().getOut();
        Path home = Path.of("").toAbsolutePath();
        Path teacherDir = orDefault(teacher, home.resolve("models/teacher"));
        Path studentDir = orDefault(student, home.resolve("models/student-sft"));
        Path dataDir = orDefault(data, home.resolve("data/suite"));
        Path outDir = orDefault(out, home.resolve("runs/experiment"));
        List<Arm> chosen = arms == null ? Arm.ALL : arms.stream().map(Arm::named).toList();
        Files.createDirectories(outDir);
        ModelConfig sc = Checkpoints.readConfig(studentDir);
        SharedVocabulary.require(
                teacherDir,
                Checkpoints.readConfig(teacherDir).vocabSize(),
                studentDir,
                sc.vocabSize());
        Tokenizer tok = Tokenizers.forCheckpoint(studentDir, sc.vocabSize());
        PromptTemplate template = PromptTemplate.DEFAULT;
        List<HeldOutItem> train = InstructionJsonl.readItems(dataDir.resolve("train.jsonl.gz"));
        List<HeldOutItem> validation =
                head(
                        HeldOutItem.readJsonl(dataDir.resolve("validation.jsonl.gz")),
                        validationItems);
        List<HeldOutItem> test =
                head(HeldOutItem.readJsonl(dataDir.resolve("test.jsonl.gz")), testItems);
        ArmRun.Budget budget =
                new ArmRun.Budget(
                        rounds,
                        perRound,
                        epochs,
                        miniBatch,
                        learningRate,
                        maxNewTokens,
                        32,
                        evalEvery,
                        ptTeacherShare);
        if (!single) {
            requireSameSettings(outDir, budget, teacherDir, studentDir, dataDir);
            JSON.writeValue(outDir.resolve("budget.json").toFile(), budget);
        }

        Path corpusFile = dataDir.resolve("corpus.txt.gz");
        o.println(
                "the teacher's scores of the L_pt corpus (computed once, then cached in "
                        + outDir
                        + ")");
        o.flush();
        Path scoresFile = CorpusScores.cached(teacherDir, studentDir, corpusFile, outDir);
        CorpusTeacherScores corpusScores = CorpusTeacherScores.read(scoresFile);
        String teacherSha =
                Checkpoints.readManifest(teacherDir).map(m -> m.weightsSha256()).orElse(null);
        if (teacherSha != null && !teacherSha.equals(corpusScores.teacherSha256())) {
            throw new IllegalStateException(
                    scoresFile
                            + " holds another teacher's scores (weights "
                            + corpusScores.teacherSha256()
                            + ", the teacher is "
                            + teacherSha
                            + "); use another --out");
        }
        PretrainCorpus corpus =
                PretrainCorpus.load(
                                corpusFile,
                                TextCorpus.Separator.LINE,
                                tok,
                                sc.eosTokenId(),
                                Math.min(CorpusScores.WINDOW_TOKENS, sc.nPositions()))
                        .withTeacherScores(corpusScores);

        ItemScores.Decoding paper = ItemScores.Decoding.paper(testSeeds, maxNewTokens);
        ItemScores.Decoding greedy = ItemScores.Decoding.greedy(maxNewTokens);
        List<String> pending = new ArrayList<>();
        try (NDManager root = NDManager.newBaseManager();
                Checkpoints.Loaded t = Checkpoints.load(teacherDir, root)) {
            ArmRun.Data d =
                    new ArmRun.Data(
                            t.model(), studentDir, tok, template, train, validation, corpus);
            if (single) {
                if (chosen.size() != 1 || seeds.length != 1) {
                    throw new IllegalArgumentException(
                            "--single runs exactly one arm and one seed");
                }
                TestScores s =
                        runAndScore(
                                chosen.get(0),
                                seeds[0],
                                d,
                                budget,
                                outDir,
                                t.model(),
                                tok,
                                template,
                                test,
                                paper,
                                greedy,
                                o);
                o.println(
                        JSON.copy()
                                .disable(SerializationFeature.INDENT_OUTPUT)
                                .writeValueAsString(
                                        java.util.Map.of(
                                                "run",
                                                s.name(),
                                                "paper",
                                                s.paperMean(),
                                                "greedy",
                                                s.greedyMean())));
                o.flush();
                return 0;
            }
            // Reference rows: the teacher and the SFT student the arms start from, on the same
            // items.
            TestScores.cached(
                    outDir.resolve("test/teacher.json"),
                    "teacher",
                    teacherDir,
                    null,
                    tok,
                    template,
                    test,
                    paper,
                    greedy,
                    JSON);
            TestScores.cached(
                    outDir.resolve("test/sft-init.json"),
                    "sft-init",
                    studentDir,
                    t.model(),
                    tok,
                    template,
                    test,
                    paper,
                    greedy,
                    JSON);
            for (long seed : seeds) {
                for (Arm arm : chosen) {
                    if (jobs <= 1) {
                        runAndScore(
                                arm, seed, d, budget, outDir, t.model(), tok, template, test, paper,
                                greedy, o);
                    } else if (!Files.isRegularFile(
                            outDir.resolve("test").resolve(arm.name() + "-s" + seed + ".json"))) {
                        pending.add(arm.name() + ":" + seed);
                    }
                }
            }
        }
        if (!pending.isEmpty()) {
            // DJL allows one gradient collector per JVM, so parallel runs are parallel processes.
            ExecutorService pool = Executors.newFixedThreadPool(jobs);
            List<String> failed = new ArrayList<>();
            try {
                List<Future<?>> work = new ArrayList<>();
                for (String run : pending) {
                    String[] as = run.split(":");
                    work.add(
                            pool.submit(
                                    () -> {
                                        com.fasterxml.jackson.databind.JsonNode r =
                                                ChildJvm.run(
                                                        Distill.class,
                                                        childArgs(
                                                                teacherDir,
                                                                studentDir,
                                                                dataDir,
                                                                outDir,
                                                                as[0],
                                                                as[1]));
                                        say(
                                                o,
                                                String.format(
                                                        Locale.ROOT,
                                                        "%s test Rouge-L: paper %.2f, greedy %.2f",
                                                        r.path("run").asText(),
                                                        r.path("paper").asDouble(),
                                                        r.path("greedy").asDouble()));
                                        return null;
                                    }));
                }
                // Every run is waited for: one failure must not lose the others' results or leave
                // children behind.
                for (int i = 0; i < work.size(); i++) {
                    try {
                        work.get(i).get();
                    } catch (java.util.concurrent.ExecutionException e) {
                        failed.add(pending.get(i) + ": " + e.getCause().getMessage());
                        say(o, "run " + pending.get(i) + " failed: " + e.getCause().getMessage());
                    }
                }
            } finally {
                pool.shutdown();
            }
            if (!failed.isEmpty()) {
                Path partial = ExperimentReport.write(outDir, chosen, seeds, test, JSON);
                throw new IllegalStateException(
                        failed.size()
                                + " run(s) failed ("
                                + String.join("; ", failed)
                                + "); the report of the finished ones is "
                                + partial
                                + ". Run the same command again to resume.");
            }
        }
        Path report = ExperimentReport.write(outDir, chosen, seeds, test, JSON);
        ExperimentFigures.write(outDir, chosen, seeds, test, JSON);
        Files.writeString(
                report,
                Files.readString(report)
                        + "\n## Figures\n\n"
                        + String.join(
                                "\n",
                                ExperimentFigures.FILES.stream()
                                        .map(f -> "![" + f + "](" + f + ")")
                                        .toList())
                        + "\n");
        o.println(
                "report: "
                        + report
                        + " (figures: "
                        + String.join(", ", ExperimentFigures.FILES)
                        + ")");
        if (ship != null) {
            shipStudents(outDir, studentDir, chosen, seeds[0], report);
            o.println("shipped to " + ship);
        }
        o.flush();
        return 0;
    }

    private void shipStudents(
            Path outDir, Path studentDir, List<Arm> chosen, long seed, Path report)
            throws IOException {
        for (Arm arm : List.of(Arm.MINILLM, Arm.SFT, Arm.KD, Arm.SEQKD)) {
            if (!chosen.contains(arm)) {
                continue;
            }
            String id = arm.name() + "-s" + seed;
            Path resultFile = outDir.resolve("runs").resolve(id).resolve("result.json");
            ArmRun.Result result = JSON.readValue(resultFile.toFile(), ArmRun.Result.class);
            Path target = ship.resolve(arm.name());
            ArmRun.deleteTree(target);
            Files.createDirectories(target);
            try (java.util.stream.Stream<Path> files = Files.list(result.chosenDir())) {
                for (Path f : files.toList()) {
                    Files.copy(f, target.resolve(f.getFileName()));
                }
            }
            Files.copy(studentDir.resolve("tokenizer.json"), target.resolve("tokenizer.json"));
            java.util.Map<String, Object> run = new java.util.LinkedHashMap<>();
            run.put("arm", arm.name());
            run.put("description", arm.description());
            run.put("seed", seed);
            run.put(
                    "initial_student",
                    Path.of("").toAbsolutePath().relativize(studentDir).toString());
            run.put("budget", JSON.readTree(outDir.resolve("budget.json").toFile()));
            run.put("chosen_version", result.chosenVersion());
            run.put("validation", result.validation());
            run.put(
                    "test",
                    JSON.readTree(outDir.resolve("test").resolve(id + ".json").toFile())
                            .path("paperMean"));
            run.put(
                    "test_greedy",
                    JSON.readTree(outDir.resolve("test").resolve(id + ".json").toFile())
                            .path("greedyMean"));
            run.put("command", "./distill experiment (see REPORT.md)");
            JSON.writeValue(target.resolve("RUN.json").toFile(), run);
        }
        Files.copy(
                report,
                ship.resolve("REPORT.md"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        for (String f : ExperimentFigures.FILES) {
            Files.copy(
                    report.resolveSibling(f),
                    ship.resolve(f),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Results in {@code outDir} are reused only under the settings that made them. */
    private void requireSameSettings(
            Path outDir, ArmRun.Budget budget, Path teacherDir, Path studentDir, Path dataDir)
            throws IOException {
        java.util.Map<String, Object> key = new java.util.LinkedHashMap<>();
        key.put("budget", budget);
        key.put(
                "teacher",
                Checkpoints.readManifest(teacherDir)
                        .map(m -> m.weightsSha256())
                        .orElse(teacherDir.toString()));
        key.put(
                "student",
                Checkpoints.readManifest(studentDir)
                        .map(m -> m.weightsSha256())
                        .orElse(studentDir.toString()));
        for (String f :
                List.of(
                        "train.jsonl.gz",
                        "validation.jsonl.gz",
                        "test.jsonl.gz",
                        "corpus.txt.gz")) {
            key.put(f, Checkpoints.sha256(dataDir.resolve(f)));
        }
        key.put("test_seeds", testSeeds);
        key.put("validation_items", validationItems);
        key.put("test_items", testItems);
        Path file = outDir.resolve("settings.json");
        // Through text, as the file holds it: valueToTree keeps longs as LongNode where reading
        // gives IntNode.
        com.fasterxml.jackson.databind.JsonNode want = JSON.readTree(JSON.writeValueAsString(key));
        if (Files.isRegularFile(file)) {
            com.fasterxml.jackson.databind.JsonNode have = JSON.readTree(file.toFile());
            if (!have.equals(want)) {
                throw new IllegalStateException(
                        outDir
                                + " holds runs made with other settings ("
                                + file
                                + ": "
                                + have
                                + "; now: "
                                + want
                                + "); use another --out");
            }
        } else {
            JSON.writeValue(file.toFile(), want);
        }
    }

    private String[] childArgs(
            Path teacherDir, Path studentDir, Path dataDir, Path outDir, String arm, String seed) {
        return new String[] {
            "experiment",
            "--single",
            "--teacher",
            teacherDir.toString(),
            "--student",
            studentDir.toString(),
            "--data",
            dataDir.toString(),
            "--out",
            outDir.toString(),
            "--arms",
            arm,
            "--seeds",
            seed,
            "--rounds",
            String.valueOf(rounds),
            "--rollouts-per-round",
            String.valueOf(perRound),
            "--epochs",
            String.valueOf(epochs),
            "--mini-batch",
            String.valueOf(miniBatch),
            "--learning-rate",
            String.valueOf(learningRate),
            "--eval-every",
            String.valueOf(evalEvery),
            "--pt-teacher-share",
            String.valueOf(ptTeacherShare),
            "--max-new-tokens",
            String.valueOf(maxNewTokens),
            "--test-seeds",
            String.join(",", Arrays.stream(testSeeds).mapToObj(Long::toString).toList()),
            "--validation-items",
            String.valueOf(validationItems),
            "--test-items",
            String.valueOf(testItems),
            "--jobs",
            "1"
        };
    }

    private static TestScores runAndScore(
            Arm arm,
            long seed,
            ArmRun.Data d,
            ArmRun.Budget budget,
            Path outDir,
            dev.distill.core.model.CausalLm teacherModel,
            Tokenizer tok,
            PromptTemplate template,
            List<HeldOutItem> test,
            ItemScores.Decoding paper,
            ItemScores.Decoding greedy,
            PrintWriter o)
            throws IOException {
        String id = arm.name() + "-s" + seed;
        Path runDir = outDir.resolve("runs").resolve(id);
        Path resultFile = runDir.resolve("result.json");
        ArmRun.Result result;
        if (Files.isRegularFile(resultFile)) {
            result = JSON.readValue(resultFile.toFile(), ArmRun.Result.class);
        } else {
            ArmRun.deleteTree(runDir);
            result = ArmRun.run(arm, seed, d, budget, runDir, line -> say(o, line));
            Path tmp = resultFile.resolveSibling("result.json.partial");
            JSON.writeValue(tmp.toFile(), result);
            Files.move(tmp, resultFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            say(
                    o,
                    String.format(
                            Locale.ROOT,
                            "%s trained in %.0f s; chosen on validation: v%d",
                            id,
                            result.seconds(),
                            result.chosenVersion()));
        }
        TestScores s =
                TestScores.cached(
                        outDir.resolve("test").resolve(id + ".json"),
                        id,
                        result.chosenDir(),
                        teacherModel,
                        tok,
                        template,
                        test,
                        paper,
                        greedy,
                        JSON);
        say(
                o,
                String.format(
                        Locale.ROOT,
                        "%s test Rouge-L: paper %.2f, greedy %.2f",
                        id,
                        s.paperMean(),
                        s.greedyMean()));
        return s;
    }

    private static synchronized void say(PrintWriter o, String line) {
        o.println(line);
        o.flush();
    }

    private static List<HeldOutItem> head(List<HeldOutItem> items, int n) {
        return items.subList(0, Math.min(n, items.size()));
    }

    private static Path orDefault(Path given, Path fallback) {
        return given != null ? given.toAbsolutePath().normalize() : fallback;
    }
}
