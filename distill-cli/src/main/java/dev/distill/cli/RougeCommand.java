package dev.distill.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.distill.core.metrics.RougeL;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Rouge-L exactly as Google's rouge_score (use_stemmer=True), for scoring any file of predictions.
 */
@Command(
        name = "rouge",
        mixinStandardHelpOptions = true,
        description = {
            "Reads JSON lines {\"prediction\": ..., \"references\": [...]} on standard input and"
                    + " writes one",
            "JSON line {\"rougeL\": F x100, max over references} per input line."
        })
final class RougeCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec CommandSpec spec;

    /** Standard input, replaceable in tests. */
    java.io.InputStream input = System.in;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        BufferedReader in =
                new BufferedReader(new InputStreamReader(input, StandardCharsets.UTF_8));
        int lineNo = 0;
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            JsonNode n;
            try {
                n = JSON.readTree(line);
            } catch (Exception e) {
                throw new IllegalArgumentException(
                        "line " + lineNo + ": not valid JSON: " + e.getMessage());
            }
            if (!n.path("prediction").isTextual() || !n.path("references").isArray()) {
                throw new IllegalArgumentException(
                        "line "
                                + lineNo
                                + ": expected {\"prediction\": string, \"references\": [strings]}");
            }
            List<String> refs = new ArrayList<>();
            n.get("references").forEach(r -> refs.add(r.asText()));
            out.println(
                    JSON.writeValueAsString(
                            java.util.Map.of(
                                    "rougeL",
                                    100 * RougeL.maxF(n.get("prediction").asText(), refs))));
        }
        out.flush();
        return 0;
    }
}
