package dev.distill.cli.demo;

import dev.distill.cli.support.CorpusScores;
import dev.distill.cli.support.LibraryLog;
import dev.distill.cli.support.PlatformTopics;
import dev.distill.core.checkpoint.Checkpoints;
import dev.distill.core.data.HeldOutItem;
import dev.distill.core.data.InstructionJsonl;
import dev.distill.core.data.PromptTemplate;
import dev.distill.core.data.TaskItem;
import dev.distill.core.metrics.Evaluation;
import dev.distill.core.objective.Objective;
import dev.distill.core.tokenizer.SharedVocabulary;
import dev.distill.localstack.LocalStack;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The main job: the shipped teacher distilled into the shipped SFT student through the platform.
 * Starts a local broker and registry, runs the three packaged services per run, feeds the training
 * prompts, shows progress, and ends with a summary table and an HTML report with PNG charts.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description =
                "Distills the shipped teacher into the shipped SFT student with MiniLLM through"
                        + " Kafka (broker, registry and the three services started locally), then"
                        + " writes a report.")
public final class DemoCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
            names = "--rounds",
            defaultValue = "20",
            description = "checkpoints per run (default ${DEFAULT-VALUE})")
    int rounds;

    @Option(
            names = "--rollouts-per-round",
            defaultValue = "64",
            description = "default ${DEFAULT-VALUE}")
    int perRound;

    @Option(
            names = "--seeds",
            defaultValue = "1",
            split = ",",
            description =
                    "one run per seed (default ${DEFAULT-VALUE}); e.g. 1,2,3 for a mean and spread")
    long[] seeds;

    @Option(
            names = "--baselines",
            description =
                    "also run the kd and seqkd baselines with the same budget "
                            + "(MiniLLM and SFT trained on with the same budget always run)")
    boolean baselines;

    @Option(
            names = "--max-staleness",
            defaultValue = "1",
            description =
                    "versions a rollout's student may lag the trainer (default ${DEFAULT-VALUE}):"
                            + " 0 samples each round with the newest checkpoint only (strict"
                            + " on-policy, the services take turns), 1 samples the next round"
                            + " while the trainer trains this one")
    int maxStaleness;

    @Option(
            names = "--eval-every",
            defaultValue = "1",
            description =
                    "the evaluator scores every n-th checkpoint and the newest it has read, so"
                            + " that it keeps up with the trainer (default ${DEFAULT-VALUE}: all)")
    int evalEvery;

    @Option(
            names = "--held-out-items",
            defaultValue = "200",
            description = "test items every checkpoint is scored on (default ${DEFAULT-VALUE})")
    int heldOutItems;

    @Option(names = "--learning-rate", defaultValue = "1e-4")
    double learningRate;

    @Option(names = "--epochs", defaultValue = "2")
    int epochs;

    @Option(names = "--mini-batch", defaultValue = "16")
    int miniBatch;

    @Option(
            names = "--alpha",
            defaultValue = "0.2",
            description = "teacher-mixed sampling's teacher share")
    double alpha;

    @Option(
            names = "--no-pretrain",
            description = "train without the L_pt term on the bundled corpus")
    boolean noPretrain;

    @Option(
            names = "--pt-teacher-share",
            defaultValue = "0.5",
            description =
                    "the teacher's share in L_pt = (1 - share) CE + share teacher cross-entropy on"
                            + " the corpus (the reference code's 0.5; 0 = plain language modelling)"
                            + " (default: ${DEFAULT-VALUE})")
    double ptTeacherShare;

    @Option(
            names = "--out",
            description = "run directory (default runs/demo-<time> under the project root)")
    Path out;

    @Option(names = "--teacher", description = "default models/teacher")
    Path teacher;

    @Option(names = "--student", description = "default models/student-sft")
    Path student;

    @Option(names = "--data", description = "default data/suite")
    Path data;

    @Option(names = "--run-timeout-minutes", defaultValue = "30")
    int runTimeoutMinutes;

    @Option(
            names = "--prompt-template",
            description =
                    "prompt format of items without input, with {instruction} (default: the"
                            + " instruction and a newline); set with --prompt-template-with-input")
    String promptTemplate;

    @Option(
            names = "--prompt-template-with-input",
            description = "prompt format with {instruction} and {input}")
    String promptTemplateWithInput;

    private static final int MAX_NEW_TOKENS = 16;
    private static final long[] EVAL_SEEDS = {10, 20, 30};
    private static final int EVAL_BATCH = 32;

    @Override
    public Integer call() throws Exception {
        long start = System.nanoTime();
        PrintWriter o = spec.commandLine().getOut();
        Path home = Path.of(System.getProperty("distill.home", ".")).toAbsolutePath().normalize();
        Path teacherDir = orDefault(teacher, home.resolve("models/teacher"));
        Path studentDir = orDefault(student, home.resolve("models/student-sft"));
        Path dataDir = orDefault(data, home.resolve("data/suite"));
        Path outDir =
                orDefault(
                        out,
                        home.resolve("runs")
                                .resolve(
                                        "demo-"
                                                + Instant.now()
                                                        .toString()
                                                        .replace(":", "")
                                                        .replaceAll("\\.\\d+Z$", "Z")));
        requireModel(teacherDir, "teacher", "train-teacher");
        requireModel(studentDir, "SFT student", "init-student");
        SharedVocabulary.require(
                teacherDir,
                Checkpoints.readConfig(teacherDir).vocabSize(),
                studentDir,
                Checkpoints.readConfig(studentDir).vocabSize());
        if (rounds < 1 || perRound < 2 || heldOutItems < 1 || seeds.length == 0) {
            throw new IllegalArgumentException(
                    "--rounds >= 1, --rollouts-per-round >= 2, --held-out-items >= 1 and a seed");
        }
        if (maxStaleness < 0 || evalEvery < 1) {
            throw new IllegalArgumentException("--max-staleness >= 0 and --eval-every >= 1");
        }
        Path heldOut = dataDir.resolve("test.jsonl.gz");
        List<TaskItem> train = InstructionJsonl.read(dataDir.resolve("train.jsonl.gz"));
        List<HeldOutItem> items = HeldOutItem.readJsonl(heldOut);
        items = items.subList(0, Math.min(items.size(), heldOutItems));
        Files.createDirectories(outDir);
        LibraryLog.moveTo(outDir.resolve("distill.log"));
        Progress progress = new Progress(o, System.console() != null);

        progress.println(
                String.format(
                        Locale.ROOT,
                        "distill demo -> %s%nteacher %s, SFT student %s; %,d training prompts, "
                                + "%d test items",
                        outDir,
                        teacherDir,
                        studentDir,
                        train.size(),
                        items.size()));
        PromptTemplate template = PromptTemplate.orDefault(promptTemplate, promptTemplateWithInput);
        Evaluation.Protocol protocol =
                new Evaluation.Protocol(MAX_NEW_TOKENS, EVAL_SEEDS, EVAL_BATCH, 0, template);
        Path cache = home.resolve("runs/demo-cache");
        progress.update(
                "ref", "[1/3] scoring the teacher and the SFT student " + Progress.bar(0, 2));
        ModelScore teacherScore =
                ReferenceScores.score("teacher", teacherDir, null, items, protocol, cache);
        progress.update(
                "ref1", "[1/3] scoring the teacher and the SFT student " + Progress.bar(1, 2));
        ModelScore sftScore =
                ReferenceScores.score(
                        "SFT student", studentDir, teacherDir, items, protocol, cache);
        progress.println(
                String.format(
                        Locale.ROOT,
                        "[1/3] held-out Rouge-L: teacher %.2f, SFT student %.2f",
                        teacherScore.rougeL(),
                        sftScore.rougeL()));

        Path corpus = dataDir.resolve("corpus.txt.gz");
        Path corpusScores = null;
        if (!noPretrain && ptTeacherShare > 0) {
            progress.update("corpus", "[1/3] scoring the L_pt corpus with the teacher...");
            corpusScores = CorpusScores.cached(teacherDir, studentDir, corpus, cache);
        }
        List<RunPlan> plans = new ArrayList<>();
        for (Objective objective :
                baselines
                        ? List.of(Objective.MINILLM, Objective.SFT, Objective.KD, Objective.SEQKD)
                        : List.of(Objective.MINILLM, Objective.SFT)) {
            for (long seed : seeds) {
                plans.add(
                        new RunPlan(
                                objective,
                                seed,
                                rounds,
                                perRound,
                                epochs,
                                miniBatch,
                                learningRate,
                                alpha,
                                32,
                                MAX_NEW_TOKENS,
                                teacherDir,
                                studentDir,
                                noPretrain ? null : corpus,
                                ptTeacherShare,
                                corpusScores,
                                heldOut,
                                heldOutItems,
                                joined(EVAL_SEEDS),
                                EVAL_BATCH,
                                outDir.resolve("demo-" + objective.id() + "-s" + seed),
                                template,
                                maxStaleness,
                                evalEvery));
            }
        }
        List<RunSeries> runs = new ArrayList<>();
        progress.update("stack", "[2/3] starting the Kafka broker and the schema registry...");
        try (LocalStack stack =
                LocalStack.start(LocalStack.Options.defaults().workDir(outDir.resolve("stack")))) {
            PlatformTopics.create(stack.adminClientProperties(), 1);
            progress.println(
                    "[2/3] Kafka "
                            + stack.bootstrapServers()
                            + ", registry "
                            + stack.registryUrl());
            for (int i = 0; i < plans.size(); i++) {
                progress.println(
                        String.format(Locale.ROOT, "[3/3] run %d of %d", i + 1, plans.size()));
                runs.add(
                        DemoRun.run(
                                plans.get(i),
                                stack.bootstrapServers(),
                                stack.registryUrl(),
                                train,
                                sftScore,
                                progress,
                                Duration.ofMinutes(runTimeoutMinutes)));
            }
        }
        List<String> notes =
                List.of(
                        String.format(
                                Locale.ROOT,
                                "%d rounds of %d rollouts per run (max staleness %d: %s), %d"
                                        + " epochs, mini-batch %d, learning rate %.1e, teacher mix"
                                        + " alpha %.2f, L_pt %s",
                                rounds,
                                perRound,
                                maxStaleness,
                                maxStaleness == 0 ? "strict on-policy" : "pipelined",
                                epochs,
                                miniBatch,
                                learningRate,
                                alpha,
                                noPretrain
                                        ? "off"
                                        : String.format(
                                                Locale.ROOT,
                                                "on the bundled corpus with the teacher's share"
                                                        + " %.2f",
                                                ptTeacherShare)),
                        String.format(
                                Locale.ROOT,
                                "scores: first %d items of %s, sampling at temperature 1 with seeds"
                                        + " %s, at most %d new tokens",
                                items.size(),
                                heldOut,
                                joined(EVAL_SEEDS),
                                MAX_NEW_TOKENS),
                        "total time " + DemoRun.clock((System.nanoTime() - start) / 1e9));
        DemoResults results =
                new DemoResults(
                        "data/suite test split, first " + items.size() + " items",
                        Instant.now(),
                        teacherScore,
                        sftScore,
                        runs,
                        notes);
        Path report = ReportWriter.write(results, outDir.resolve("report"));
        o.println();
        o.println(SummaryTable.text(results));
        notes.forEach(o::println);
        o.println("report: " + report);
        o.flush();
        return 0;
    }

    private static Path orDefault(Path given, Path fallback) {
        return given != null ? given.toAbsolutePath().normalize() : fallback;
    }

    private static void requireModel(Path dir, String what, String command) throws IOException {
        if (!Files.isRegularFile(dir.resolve(Checkpoints.MANIFEST))
                || !Files.isRegularFile(dir.resolve("tokenizer.json"))) {
            throw new IOException(
                    "the "
                            + what
                            + " is missing at "
                            + dir
                            + ": it is shipped in the repository (git lfs is "
                            + "not used); if you deleted it, './distill "
                            + command
                            + "' makes it again");
        }
    }

    private static String joined(long[] values) {
        return String.join(",", Arrays.stream(values).mapToObj(Long::toString).toList());
    }
}
