package dev.distill.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HeldOutItemTest {
    @TempDir Path tmp;

    @Test
    void anItemWithoutOptionsHasAnswerMinusOne() {
        HeldOutItem it = new HeldOutItem("a", "say hi", null, List.of("hi"));
        assertEquals(List.of(), it.options());
        assertEquals(-1, it.answer());
        assertFalse(it.isMultipleChoice());
    }

    @Test
    void refusesAnAnswerThatIsNotAnOption() {
        var e =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                new HeldOutItem(
                                        "q7", "pick", null, List.of("a"), List.of("a", "b"), 2));
        assertTrue(e.getMessage().contains("q7"), e.getMessage());
    }

    @Test
    void readJsonlKeepsLineIdsAndReadsMultipleChoice() throws IOException {
        Path f =
                DataFiles.plain(
                        tmp,
                        "held-out.jsonl",
                        """
                        {"instruction": "name a colour", "references": ["red", "blue"]}
                        {"id": "mc-1", "instruction": "which is a colour?", "options": ["red", "dog"], "answer": 0, "references": ["red"]}
                        """);
        List<HeldOutItem> items = HeldOutItem.readJsonl(f);
        assertEquals("line-1", items.get(0).id());
        assertEquals(List.of("red", "blue"), items.get(0).references());
        assertEquals("mc-1", items.get(1).id());
        assertEquals(List.of("red", "dog"), items.get(1).options());
        assertEquals(0, items.get(1).answer());
    }

    @Test
    void readJsonlReportsTheLineOfAMissingInstruction() throws IOException {
        Path f =
                DataFiles.plain(
                        tmp,
                        "held-out.jsonl",
                        "{\"instruction\": \"a\", \"response\": \"b\"}\n{\"response\": \"b\"}\n");
        var e = assertThrows(MalformedDataException.class, () -> HeldOutItem.readJsonl(f));
        assertEquals(f + ":2: missing \"instruction\" (or \"prompt\")", e.getMessage());
    }
}
