package dev.distill.cli.demo;

import dev.distill.core.objective.Objective;
import dev.distill.schemas.avro.EvalReport;
import java.util.List;

/**
 * One distillation run of the demo: its objective (minillm, kd, seqkd, ...), seed, and the
 * evaluator's report for every checkpoint it published, in version order.
 */
public record RunSeries(String runId, Objective objective, long seed, List<EvalReport> reports) {
    public RunSeries {
        reports = List.copyOf(reports);
    }
}
