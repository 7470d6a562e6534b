package dev.distill.evaluator.leaderboard;

import dev.distill.schemas.avro.EvalReport;
import dev.distill.schemas.avro.ReliabilityBin;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One scored checkpoint as the leaderboard keeps and serves it (a JSON-friendly copy of its
 * EvalReport).
 */
public record CheckpointScore(
        long version,
        String dataset,
        int samples,
        double rougeL,
        double rougeLStd,
        double exactMatch,
        Double ece,
        double tokenEce,
        double meanLength,
        double distinct4,
        Double rklToTeacher,
        Double exAccErr,
        Map<String, Double> trainMetrics,
        List<Bin> reliability,
        long createdAt) {

    public record Bin(double lower, double upper, long count, double confidence, double accuracy) {}

    public static CheckpointScore of(EvalReport r) {
        Map<String, Double> train = new TreeMap<>();
        r.getTrainMetrics().forEach((k, v) -> train.put(k.toString(), v));
        List<Bin> bins =
                r.getReliability().stream()
                        .map(
                                (ReliabilityBin b) ->
                                        new Bin(
                                                b.getLower(),
                                                b.getUpper(),
                                                b.getCount(),
                                                b.getConfidence(),
                                                b.getAccuracy()))
                        .toList();
        return new CheckpointScore(
                r.getVersion(),
                r.getDataset(),
                r.getSamples(),
                r.getRougeL(),
                r.getRougeLStd(),
                r.getExactMatch(),
                r.getEce(),
                r.getTokenEce(),
                r.getMeanLength(),
                r.getDistinct4(),
                r.getRklToTeacher(),
                r.getExAccErr(),
                train,
                bins,
                r.getCreatedAt().toEpochMilli());
    }

    /**
     * Higher Rouge-L wins; on a tie the earlier checkpoint keeps its place (it got there first).
     */
    boolean beats(CheckpointScore other) {
        return other == null
                || rougeL > other.rougeL
                || (rougeL == other.rougeL && version < other.version);
    }
}
