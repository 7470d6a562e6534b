package dev.distill.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class PromptTemplateTest {
    @Test
    void theDefaultIsTheInstructionThenTheInputEachOnItsOwnLine() {
        assertEquals("Spell cat.\n", PromptTemplate.format("Spell cat.", null));
        assertEquals("Spell cat.\n", PromptTemplate.format("Spell cat.", "  "));
        assertEquals("Sort these.\nb a\n", PromptTemplate.format("Sort these.", "b a"));
    }

    @Test
    void aUserTemplateReplacesEachPlaceholderOnceAndLeavesBracesInTheTextAlone() {
        PromptTemplate alpaca =
                new PromptTemplate(
                        "### Instruction:\n{instruction}\n\n### Response:\n",
                        "### Instruction:\n"
                                + "{instruction}\n\n"
                                + "### Input:\n"
                                + "{input}\n\n"
                                + "### Response:\n");
        assertEquals(
                "### Instruction:\nSay {input} literally.\n\n### Response:\n",
                alpaca.apply("Say {input} literally.", null));
        assertEquals(
                "### Instruction:\nTranslate\n\n### Input:\n{instruction}\n\n### Response:\n",
                alpaca.apply("Translate", "{instruction}"));
    }

    @Test
    void refusesTemplatesThatLoseOrRepeatAPlaceholder() {
        assertThrows(
                IllegalArgumentException.class,
                () -> new PromptTemplate("no placeholder", "{instruction} {input}"));
        assertThrows(
                IllegalArgumentException.class,
                () -> new PromptTemplate("{instruction} {input}", "{instruction} {input}"));
        assertThrows(
                IllegalArgumentException.class,
                () -> new PromptTemplate("{instruction}", "{instruction}"));
        assertThrows(
                IllegalArgumentException.class,
                () -> new PromptTemplate("{instruction}", "{instruction}{instruction}{input}"));
    }
}
