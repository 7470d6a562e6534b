package dev.distill.cli.demo;

import dev.distill.core.data.TaskItem;
import dev.distill.schemas.avro.CheckpointEvent;
import dev.distill.schemas.avro.EvalReport;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One distillation run through the platform: starts the run's three services, feeds its prompts as
 * far ahead of the trainer as the staleness bound allows, shows progress from the topics, and ends
 * when the evaluator has scored the last checkpoint; then stops the services.
 */
final class DemoRun {
    private static final List<String> LOSS_TERMS =
            List.of("pg", "reg", "pt", "ce", "distil", "reward", "support_gap");

    private DemoRun() {}

    static RunSeries run(
            RunPlan p,
            String bootstrap,
            String registryUrl,
            List<TaskItem> train,
            ModelScore sft,
            Progress progress,
            Duration timeout)
            throws IOException, InterruptedException {
        long start = System.nanoTime();
        progress.println(
                String.format(
                        Locale.ROOT,
                        "run %s: %d rounds of %d rollouts (%s), logs in %s",
                        p.runId(),
                        p.rounds(),
                        p.rolloutsPerRound(),
                        p.producerMode(),
                        p.workDir()));
        try (RunServices services = RunServices.start(p, bootstrap, registryUrl);
                RunWatcher watch = new RunWatcher(bootstrap, registryUrl, p.runId());
                PromptFeeder feeder =
                        new PromptFeeder(bootstrap, registryUrl, p.runId(), train, p.seed())) {
            progress.update("start", "  starting producer-teacher, trainer-student, evaluator...");
            services.awaitReady(Duration.ofMinutes(3));
            progress.println(
                    String.format(
                            Locale.ROOT,
                            "  services ready in %.0f s (ports %s)",
                            (System.nanoTime() - start) / 1e9,
                            services.services().stream()
                                    .map(s -> s.name() + " " + s.port())
                                    .toList()));
            Rate rate = new Rate();
            long deadline = System.nanoTime() + timeout.toNanos();
            long lastHealthCheck = System.nanoTime();
            while (true) {
                services.checkAlive();
                if (System.nanoTime() - lastHealthCheck > 5_000_000_000L) {
                    services.checkReady();
                    lastHealthCheck = System.nanoTime();
                }
                watch.check();
                long trained = watch.latestVersion();
                feed(p, feeder, watch, services);
                List<EvalReport> reports = watch.reports();
                long evaluated = reports.size();
                String status = line(p, trained, evaluated, watch, rate, reports, sft);
                if (reports.stream().anyMatch(r -> r.getVersion() == p.rounds())) {
                    progress.println(status);
                    progress.println(
                            String.format(
                                    Locale.ROOT,
                                    "  run %s done in %s",
                                    p.runId(),
                                    clock((System.nanoTime() - start) / 1e9)));
                    return new RunSeries(p.runId(), p.objective(), p.seed(), reports);
                }
                progress.update(trained + "/" + evaluated, status);
                if (System.nanoTime() > deadline) {
                    throw new IOException(
                            "run "
                                    + p.runId()
                                    + " did not finish in "
                                    + timeout.toMinutes()
                                    + " min: "
                                    + trained
                                    + " of "
                                    + p.rounds()
                                    + " checkpoints, "
                                    + evaluated
                                    + " evaluated; logs in "
                                    + p.workDir());
                }
                Thread.sleep(500);
            }
        }
    }

    /**
     * Keeps the prompts of rounds up to p+1+maxStaleness published, p being the checkpoint the
     * producer samples with: round k is trained from checkpoint k-1, so a prompt published now is
     * sampled with at least p and trained at most k-1-p versions later. With 0 (strict on-policy)
     * round v+1 goes out only once the producer holds checkpoint v; with 1 the producer samples
     * round v+2 while the trainer trains round v+1, and no rollout is ever dropped as stale. A
     * dead-lettered prompt or rollout of the run is replaced by a new prompt, or its round would
     * never fill.
     */
    static void feed(RunPlan p, PromptFeeder feeder, RunWatcher watch, RunServices services)
            throws InterruptedException {
        long published = feeder.roundsPublished();
        long wanted =
                roundsWanted(
                        services.producerStudentVersion(), p.maxStaleness(), p.rounds(), published);
        feeder.publishRounds((int) (wanted - published), p.rolloutsPerRound());
        feeder.topUp(watch.deadLettered(feeder.ids()) - feeder.toppedUp());
    }

    /**
     * The rounds that should be published while the producer samples with checkpoint {@code
     * producerVersion} (-1: it does not answer yet): up to producerVersion + 1 + maxStaleness, at
     * most {@code rounds}, never fewer than already are.
     */
    static long roundsWanted(long producerVersion, int maxStaleness, int rounds, long published) {
        long wanted = producerVersion < 0 ? 0 : producerVersion + 1 + maxStaleness;
        return Math.max(Math.min(wanted, rounds), published);
    }

    private static String line(
            RunPlan p,
            long trained,
            long evaluated,
            RunWatcher watch,
            Rate rate,
            List<EvalReport> reports,
            ModelScore sft) {
        StringBuilder b =
                new StringBuilder(
                        String.format(
                                Locale.ROOT,
                                "  %-7s s%d train %s  eval %s  %,d rollouts %.1f/s",
                                p.objective().id(),
                                p.seed(),
                                Progress.bar(trained, p.rounds()),
                                Progress.bar(evaluated, p.rounds()),
                                watch.rollouts(),
                                rate.perSecond(watch.rollouts())));
        CheckpointEvent last = watch.latestCheckpoint();
        if (last != null) {
            Map<String, Double> m = last.getTrainMetrics();
            b.append(String.format(Locale.ROOT, "  loss %.3f", m.getOrDefault("loss", Double.NaN)));
            for (String term : LOSS_TERMS) {
                if (m.containsKey(term)) {
                    b.append(String.format(Locale.ROOT, " %s %.3f", term, m.get(term)));
                }
            }
        }
        if (!reports.isEmpty()) {
            EvalReport r = reports.get(reports.size() - 1);
            b.append(
                    String.format(
                            Locale.ROOT,
                            "  Rouge-L v%d %.2f (SFT %.2f)",
                            r.getVersion(),
                            r.getRougeL(),
                            sft.rougeL()));
        }
        if (watch.deadLetters() > 0) {
            b.append("  dead letters ").append(watch.deadLetters());
        }
        return b.toString();
    }

    static String clock(double seconds) {
        long s = Math.round(seconds);
        return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    /** Rollouts per second over the last ~20 s, so the number follows the current pace. */
    private static final class Rate {
        private long[] counts = new long[0];
        private long[] times = new long[0];

        double perSecond(long count) {
            long now = System.nanoTime();
            int keep = 0;
            while (keep < times.length && now - times[keep] > 20_000_000_000L) {
                keep++;
            }
            counts = append(java.util.Arrays.copyOfRange(counts, keep, counts.length), count);
            times = append(java.util.Arrays.copyOfRange(times, keep, times.length), now);
            double dt = (times[times.length - 1] - times[0]) / 1e9;
            return dt < 1 ? 0 : (counts[counts.length - 1] - counts[0]) / dt;
        }

        private static long[] append(long[] a, long v) {
            long[] out = java.util.Arrays.copyOf(a, a.length + 1);
            out[a.length] = v;
            return out;
        }
    }
}
