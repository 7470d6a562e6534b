package dev.distill.cli.demo;

import dev.distill.cli.chart.ChartPalette;
import dev.distill.cli.chart.LineStyle;
import dev.distill.core.objective.Objective;
import dev.distill.schemas.avro.EvalReport;
import java.awt.Color;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * How the report names, colours and orders the demo's runs, the same in its tables and its charts.
 */
final class ReportRuns {
    /**
     * Counters and throughput the trainer reports next to its loss terms: listed in the
     * per-checkpoint tables, but not charted as losses, since they say how much was trained on, not
     * how training went.
     */
    static final Set<String> BOOKKEEPING = Set.of("rollouts", "dropped_stale", "dead_lettered");

    private ReportRuns() {}

    /**
     * "objective seed N"; the run id is added only where two runs would otherwise share a label.
     */
    static List<String> labels(List<RunSeries> runs) {
        Map<String, Integer> uses = new HashMap<>();
        runs.forEach(r -> uses.merge(baseLabel(r), 1, Integer::sum));
        return runs.stream()
                .map(
                        r ->
                                uses.get(baseLabel(r)) > 1
                                        ? baseLabel(r) + " (" + r.runId() + ")"
                                        : baseLabel(r))
                .toList();
    }

    /**
     * One colour per objective (in order of first appearance), so a comparison of objectives over
     * several seeds reads at a glance; the seeds of an objective differ by line style.
     */
    static Color color(List<RunSeries> runs, int i) {
        List<Objective> objectives = runs.stream().map(RunSeries::objective).distinct().toList();
        return ChartPalette.run(objectives.indexOf(runs.get(i).objective()));
    }

    /** Solid for an objective's first run, then dashed, then dotted, and around again. */
    static LineStyle style(List<RunSeries> runs, int i) {
        Objective objective = runs.get(i).objective();
        long before =
                runs.subList(0, i).stream().filter(r -> r.objective().equals(objective)).count();
        return LineStyle.values()[(int) (before % LineStyle.values().length)];
    }

    private static String baseLabel(RunSeries r) {
        return r.objective().id() + " seed " + r.seed();
    }

    static List<EvalReport> byVersion(RunSeries run) {
        return run.reports().stream()
                .sorted(Comparator.comparingLong(EvalReport::getVersion))
                .toList();
    }

    static Optional<EvalReport> last(RunSeries run) {
        return run.reports().stream().max(Comparator.comparingLong(EvalReport::getVersion));
    }

    /** Highest Rouge-L; on a tie the earlier checkpoint, which reached it with less training. */
    static Optional<EvalReport> best(RunSeries run) {
        return run.reports().stream()
                .filter(r -> Double.isFinite(r.getRougeL()))
                .max(
                        Comparator.comparingDouble(EvalReport::getRougeL)
                                .thenComparing(
                                        Comparator.comparingLong(EvalReport::getVersion)
                                                .reversed()));
    }

    /** Loss terms charted for these runs: every key with a finite value somewhere, "loss" first. */
    static List<String> lossKeys(List<RunSeries> runs) {
        Set<String> keys = new TreeSet<>();
        for (RunSeries run : runs) {
            for (EvalReport r : run.reports()) {
                r.getTrainMetrics()
                        .forEach(
                                (k, v) -> {
                                    if (SummaryRow.measured(v)
                                            && !BOOKKEEPING.contains(k)
                                            && !k.endsWith("_per_second")) {
                                        keys.add(k);
                                    }
                                });
            }
        }
        return lossFirst(keys);
    }

    /** The keys in their (sorted) order, but "loss", the total, first. */
    static List<String> lossFirst(Set<String> sortedKeys) {
        List<String> out = new ArrayList<>(sortedKeys);
        if (out.remove("loss")) {
            out.add(0, "loss");
        }
        return out;
    }
}
