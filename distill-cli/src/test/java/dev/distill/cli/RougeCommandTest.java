package dev.distill.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class RougeCommandTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static CliRun run(String stdin) {
        RougeCommand cmd = new RougeCommand();
        cmd.input = new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
        CommandLine cl = new CommandLine(cmd);
        cl.setExecutionExceptionHandler(
                (ex, c, p) -> {
                    c.getErr().println(ex.getMessage());
                    return 2;
                });
        return CliRun.execute(cl);
    }

    @Test
    void scoresEveryGoldenLineLikeRougeScore() throws Exception {
        String golden;
        try (InputStream in = getClass().getResourceAsStream("/golden/rougeL_multi_golden.jsonl")) {
            golden = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<String> input = golden.lines().filter(l -> !l.isBlank()).toList();
        CliRun r = run(golden);
        assertEquals(0, r.code(), r.err());
        List<String> output = r.out().lines().toList();
        assertEquals(input.size(), output.size());
        for (int i = 0; i < input.size(); i++) {
            double expected = 100 * JSON.readTree(input.get(i)).get("rougeL_max_f").asDouble();
            JsonNode got = JSON.readTree(output.get(i));
            assertEquals(expected, got.get("rougeL").asDouble(), 1e-7, "line " + (i + 1));
        }
    }

    @Test
    void namesTheLineOfMalformedInput() {
        CliRun r = run("{\"prediction\": \"a\", \"references\": [\"a\"]}\n{\"prediction\": 3}\n");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("line 2"), r.err());
    }
}
