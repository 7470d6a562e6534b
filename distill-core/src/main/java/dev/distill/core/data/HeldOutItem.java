package dev.distill.core.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * An evaluation item: instruction, optional context, and every acceptable reference response. A
 * multiple-choice item also lists its {@code options} and the index of the correct one ({@code
 * answer}); its reference is that option's text. Other items have no options and {@code answer} -1.
 */
public record HeldOutItem(
        String id,
        String instruction,
        String context,
        List<String> references,
        List<String> options,
        int answer) {

    public HeldOutItem {
        references = List.copyOf(references);
        options = options == null ? List.of() : List.copyOf(options);
        if (answer < -1 || answer >= options.size()) {
            throw new IllegalArgumentException(
                    "item "
                            + id
                            + ": answer "
                            + answer
                            + " is not an index of its "
                            + options.size()
                            + " options");
        }
    }

    /** An item without answer options. */
    public HeldOutItem(String id, String instruction, String context, List<String> references) {
        this(id, instruction, context, references, List.of(), -1);
    }

    public boolean isMultipleChoice() {
        return answer >= 0;
    }

    /**
     * Reads JSONL (plain or gzip) in any format {@link InstructionJsonl} accepts: our suite's lines
     * {"id"?, "instruction", "context"?, "references": [...], "options"?, "answer"?}, Dolly's
     * {"instruction", "context", "response"} or {"prompt", "response"}.
     */
    public static List<HeldOutItem> readJsonl(Path file) throws IOException {
        return InstructionJsonl.readItems(file);
    }
}
