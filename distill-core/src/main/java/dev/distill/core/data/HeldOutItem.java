package dev.distill.core.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An evaluation item: instruction, optional context, and every acceptable reference response. Read
 * from JSONL lines {"id"?, "instruction", "context"?, "references": [...]} or Dolly's
 * {"instruction", "context", "response"}.
 */
public record HeldOutItem(String id, String instruction, String context, List<String> references) {

    public static List<HeldOutItem> readJsonl(Path file) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<HeldOutItem> out = new ArrayList<>();
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            JsonNode n;
            try {
                n = json.readTree(line);
            } catch (IOException e) {
                throw new IOException(file + ":" + (i + 1) + ": not valid JSON: " + e.getMessage());
            }
            String instruction = n.path("instruction").asText("");
            if (instruction.isBlank()) {
                throw new IOException(file + ":" + (i + 1) + ": missing \"instruction\"");
            }
            List<String> refs = new ArrayList<>();
            n.path("references").forEach(r -> refs.add(r.asText()));
            if (n.hasNonNull("response")) {
                refs.add(n.get("response").asText());
            }
            if (refs.isEmpty()) {
                throw new IOException(file + ":" + (i + 1) + ": no \"references\" or \"response\"");
            }
            String context = n.hasNonNull("context") ? n.get("context").asText() : null;
            out.add(new HeldOutItem(n.path("id").asText("line-" + (i + 1)), instruction, context, refs));
        }
        return out;
    }
}
