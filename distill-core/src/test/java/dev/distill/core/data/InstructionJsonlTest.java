package dev.distill.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InstructionJsonlTest {
    @TempDir Path tmp;

    @Test
    void readsDollyLinesWithContextAndCategory() throws IOException {
        Path f =
                DataFiles.plain(
                        tmp,
                        "dolly.jsonl",
                        """
                        {"instruction": "When did Virgin Australia start operating?", "context": "Virgin Australia commenced services on 31 August 2000.", "response": "On 31 August 2000.", "category": "closed_qa"}
                        {"instruction": "Name a primary colour.", "context": "", "response": "Red.", "category": "brainstorming"}
                        """);
        List<TaskItem> items = InstructionJsonl.read(f);
        assertEquals(2, items.size());
        HeldOutItem first = items.get(0).item();
        assertEquals("line-1", first.id());
        assertEquals("Virgin Australia commenced services on 31 August 2000.", first.context());
        assertEquals(List.of("On 31 August 2000."), first.references());
        assertEquals("closed_qa", items.get(0).family());
        assertNull(items.get(0).key());
        assertFalse(first.isMultipleChoice());
        assertEquals("", items.get(1).item().context());
    }

    @Test
    void readsPromptResponseLines() throws IOException {
        Path f =
                DataFiles.plain(
                        tmp, "pr.jsonl", "{\"prompt\": \"2 + 2 =\", \"response\": \"4\"}\n");
        HeldOutItem it = InstructionJsonl.readItems(f).get(0);
        assertEquals("2 + 2 =", it.instruction());
        assertNull(it.context());
        assertEquals(List.of("4"), it.references());
    }

    @Test
    void readsSuiteLinesWithEveryReferenceAndMultipleChoice() throws IOException {
        Path f =
                DataFiles.plain(
                        tmp,
                        "suite.jsonl",
                        """
                        {"id": "synonym/big", "family": "synonym", "key": "big", "instruction": "name a synonym of big", "references": ["large", "heavy"]}

                        {"id": "choice-kind/dog", "family": "choice-kind", "key": "dog", "instruction": "which of these is a kind of dog?", "context": "oak, puppy or river", "options": ["oak", "puppy", "river"], "answer": 1}
                        """);
        List<TaskItem> items = InstructionJsonl.read(f);
        assertEquals(2, items.size(), "the blank line is skipped");
        assertEquals(List.of("large", "heavy"), items.get(0).item().references());
        assertEquals("synonym", items.get(0).family());
        assertEquals("big", items.get(0).key());
        HeldOutItem mc = items.get(1).item();
        assertTrue(mc.isMultipleChoice());
        assertEquals(List.of("oak", "puppy", "river"), mc.options());
        assertEquals(1, mc.answer());
        assertEquals(List.of("puppy"), mc.references(), "the correct option is the reference");
    }

    @Test
    void readsGzipByContentNotByName() throws IOException {
        String text =
                "{\"prompt\": \"p\", \"response\": \"r\"}\r\n"
                        + "{\"prompt\": \"q\", \"response\": \"s\"}";
        Path gz = DataFiles.gzip(tmp, "data.jsonl", text);
        Path plain = DataFiles.plain(tmp, "data.jsonl.gz", text);
        assertEquals(InstructionJsonl.readItems(plain), InstructionJsonl.readItems(gz));
        assertEquals(
                "s",
                InstructionJsonl.readItems(gz).get(1).references().get(0),
                "CRLF and a missing final newline are fine");
    }

    @Test
    void namesFileAndLineOfInvalidJson() throws IOException {
        Path f =
                DataFiles.plain(
                        tmp,
                        "bad.jsonl",
                        "{\"prompt\": \"a\", \"response\": \"b\"}\n\n"
                                + "{\"prompt\": \"a\", \"response\": \n");
        assertMalformed(f, 3, "not valid JSON");
    }

    @Test
    void namesTheProblemOfEachMalformedLine() throws IOException {
        String ok = "{\"prompt\": \"a\", \"response\": \"b\"}\n";
        String[][] cases = {
            {"[1, 2]", "expected a JSON object, got array"},
            {"{\"response\": \"b\"}", "missing \"instruction\" (or \"prompt\")"},
            {"{\"instruction\": \"  \", \"response\": \"b\"}", "missing \"instruction\""},
            {
                "{\"instruction\": \"i\", \"prompt\": \"p\", \"response\": \"b\"}",
                "has both \"instruction\" and \"prompt\""
            },
            {"{\"instruction\": \"i\"}", "no \"references\" or \"response\""},
            {
                "{\"instruction\": \"i\", \"response\": 3}",
                "\"response\" must be a string, got number"
            },
            {"{\"instruction\": \"i\", \"response\": \"\"}", "\"response\" is empty"},
            {
                "{\"instruction\": \"i\", \"references\": \"a\"}",
                "\"references\" must be an array of strings, got string"
            },
            {
                "{\"instruction\": \"i\", \"references\": [\"a\", 2]}",
                "references[1] must be a string, got number"
            },
            {"{\"instruction\": \"i\", \"references\": [\"a\", \" \"]}", "references[1] is empty"},
            {
                "{\"instruction\": \"i\", \"options\": [\"a\", \"b\"]}",
                "has \"options\" but no \"answer\""
            },
            {
                "{\"instruction\": \"i\", \"options\": [\"a\", \"b\"], \"answer\": 2}",
                "\"answer\" 2 is not an index of the 2 options"
            },
            {
                "{\"instruction\": \"i\", \"options\": [\"a\", \"b\"], \"answer\": \"1\"}",
                "\"answer\" must be an integer index"
            },
            {
                "{\"instruction\": \"i\", \"response\": \"b\", \"response\": \"c\"}",
                "not valid JSON: Duplicate field 'response'"
            },
            {"{\"instruction\": \"i\", \"response\": \"b\"} trailing", "not valid JSON"},
        };
        for (String[] c : cases) {
            Path f = DataFiles.plain(tmp, "case.jsonl", ok + ok + c[0] + "\n" + ok);
            assertMalformed(f, 3, c[1]);
        }
    }

    @Test
    void reportsInvalidUtf8WithItsLine() throws IOException {
        Path f = tmp.resolve("latin1.jsonl");
        byte[] good = "{\"prompt\": \"a\", \"response\": \"b\"}\n".getBytes();
        byte[] bad =
                "{\"prompt\": \"caf\u00e9\", \"response\": \"b\"}\n"
                        .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        byte[] all = Arrays.copyOf(good, good.length + bad.length);
        System.arraycopy(bad, 0, all, good.length, bad.length);
        Files.write(f, all);
        assertMalformed(f, 2, "not valid UTF-8");
    }

    @Test
    void reportsATruncatedGzipFile() throws IOException {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 2000; i++) {
            text.append("{\"prompt\": \"question ")
                    .append(i)
                    .append("\", \"response\": \"answer ")
                    .append(i * 7919)
                    .append("\"}\n");
        }
        Path gz = DataFiles.gzip(tmp, "cut.jsonl.gz", text.toString());
        byte[] bytes = Files.readAllBytes(gz);
        Files.write(gz, Arrays.copyOf(bytes, bytes.length / 2));
        MalformedDataException e =
                assertThrows(MalformedDataException.class, () -> InstructionJsonl.read(gz));
        assertTrue(e.getMessage().contains("corrupt or truncated gzip data"), e.getMessage());
        assertTrue(e.line() > 1, "the line reached is reported: " + e.getMessage());
    }

    private static void assertMalformed(Path f, long line, String reason) {
        MalformedDataException e =
                assertThrows(MalformedDataException.class, () -> InstructionJsonl.read(f));
        assertEquals(f, e.file());
        assertEquals(line, e.line(), e.getMessage());
        assertTrue(e.getMessage().startsWith(f + ":" + line + ": "), e.getMessage());
        assertTrue(
                e.getMessage().contains(reason),
                "expected \"" + reason + "\" in: " + e.getMessage());
    }
}
