package dev.distill.data.suite;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.distill.core.data.HeldOutItem;
import dev.distill.core.data.TaskItem;

/**
 * One suite item as a JSON line, fields in a fixed order: {"id", "family", "key", "instruction",
 * "context"?, "options"?, "answer"?, "references"}. {@link dev.distill.core.data.InstructionJsonl}
 * reads it back.
 */
public final class SuiteJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SuiteJson() {}

    public static String line(TaskItem t) {
        HeldOutItem it = t.item();
        ObjectNode n = JSON.createObjectNode();
        n.put("id", it.id());
        n.put("family", t.family());
        n.put("key", t.key());
        n.put("instruction", it.instruction());
        if (it.context() != null) {
            n.put("context", it.context());
        }
        if (it.isMultipleChoice()) {
            it.options().forEach(n.putArray("options")::add);
            n.put("answer", it.answer());
        }
        it.references().forEach(n.putArray("references")::add);
        try {
            return JSON.writeValueAsString(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write item " + it.id(), e);
        }
    }
}
