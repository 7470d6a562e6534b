package dev.distill.cli.demo;

import java.util.List;

/**
 * What the report template shows, every value already formatted as text: the template only lays it
 * out (and escapes it), so the numbers are the ones the console summary prints.
 */
record ReportView(
        String dataset,
        String finished,
        List<String> summaryHeaders,
        List<Row> summary,
        List<Image> figures,
        List<Run> runs,
        List<String> notes) {

    /** A table cell; numbers are right-aligned. */
    record Cell(String text, boolean num) {}

    /** A table row; cssClass null for a plain row. */
    record Row(String cssClass, List<Cell> cells) {}

    record Image(String file, int width, int height, String caption) {}

    /** One run's heading and its table of checkpoints, null when none was scored. */
    record Run(String label, String runId, String color, Table checkpoints) {}

    record Table(List<String> headers, List<Row> rows) {}

    boolean hasNotes() {
        return !notes.isEmpty();
    }
}
