package dev.distill.evaluator.leaderboard;

import dev.distill.schemas.avro.EvalReport;
import dev.distill.schemas.avro.ReliabilityBin;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Evaluation reports for leaderboard tests. */
final class Reports {
    private Reports() {}

    static EvalReport report(String runId, long version, double rougeL) {
        return EvalReport.newBuilder()
                .setRunId(runId)
                .setVersion(version)
                .setDataset("suite-test")
                .setSamples(100)
                .setSeeds(List.of(10L, 20L, 30L))
                .setRougeL(rougeL)
                .setRougeLStd(0.5)
                .setExactMatch(rougeL / 200)
                .setEce(0.05 + version / 100.0)
                .setTokenEce(0.1 - version / 100.0)
                .setReliability(
                        List.of(
                                new ReliabilityBin(0.0, 0.5, 40L, 0.3, 0.25),
                                new ReliabilityBin(0.5, 1.0, 60L, 0.8, 0.7)))
                .setMeanLength(6.5)
                .setDistinct4(0.9)
                .setRklToTeacher(1.0 / (version + 1))
                .setFklToTeacher(null)
                .setExAccErr(null)
                .setTrainMetrics(
                        Map.of(
                                "loss",
                                3.0 / (version + 1),
                                "pg",
                                0.1 * version,
                                "reg",
                                1.5 / (version + 1)))
                .setCreatedAt(Instant.ofEpochMilli(1_700_000_000_000L + version))
                .build();
    }
}
