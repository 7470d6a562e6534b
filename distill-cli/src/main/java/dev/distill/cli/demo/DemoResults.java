package dev.distill.cli.demo;

import java.time.Instant;
import java.util.List;

/**
 * Everything a demo measured, for the console summary and the HTML report.
 *
 * @param dataset what the scores are on, e.g. "data/suite test split, first 200 items"
 * @param notes lines shown under the summary (settings, timings)
 */
public record DemoResults(
        String dataset,
        Instant finishedAt,
        ModelScore teacher,
        ModelScore sft,
        List<RunSeries> runs,
        List<String> notes) {
    public DemoResults {
        runs = List.copyOf(runs);
        notes = List.copyOf(notes);
    }
}
