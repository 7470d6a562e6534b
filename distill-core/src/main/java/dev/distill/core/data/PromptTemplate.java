package dev.distill.core.data;

import java.util.ArrayList;
import java.util.List;

/**
 * The text a model sees for an instruction: one template for teacher, student and evaluation, so
 * the student is distilled on exactly the inputs it is scored on; the response follows directly.
 * Users' models often expect their own format (a chat or Alpaca layout): {@code {instruction}} and
 * {@code {input}} are replaced once each, so braces in the instruction itself are left alone.
 *
 * @param plain the template for an item without input; must contain {instruction} and not {input}
 * @param withInput the template for an item with input; must contain both
 */
public record PromptTemplate(String plain, String withInput) {
    public static final String INSTRUCTION = "{instruction}";
    public static final String INPUT = "{input}";

    /**
     * The platform's format: the instruction, then the input when there is one, each on its own
     * line.
     */
    public static final PromptTemplate DEFAULT =
            new PromptTemplate("{instruction}\n", "{instruction}\n{input}\n");

    public PromptTemplate {
        if (count(plain, INSTRUCTION) != 1 || count(plain, INPUT) != 0) {
            throw new IllegalArgumentException(
                    "the prompt template must contain {instruction} once and no {input}: " + plain);
        }
        if (count(withInput, INSTRUCTION) != 1 || count(withInput, INPUT) != 1) {
            throw new IllegalArgumentException(
                    "the prompt template with input must contain {instruction} and {input} "
                            + "once each: "
                            + withInput);
        }
    }

    /**
     * A configured template (both given), or the default (neither given); one without the other is
     * an error.
     */
    public static PromptTemplate orDefault(String plain, String withInput) {
        if (plain == null && withInput == null) {
            return DEFAULT;
        }
        if (plain == null || withInput == null) {
            throw new IllegalArgumentException(
                    "set both prompt templates (without and with input) or neither");
        }
        return new PromptTemplate(plain, withInput);
    }

    /** The platform's default format. */
    public static String format(String instruction, String context) {
        return DEFAULT.apply(instruction, context);
    }

    public String apply(String instruction, String context) {
        boolean hasInput = context != null && !context.isBlank();
        String template = hasInput ? withInput : plain;
        StringBuilder out = new StringBuilder();
        for (String piece : pieces(template)) {
            out.append(
                    piece.equals(INSTRUCTION)
                            ? instruction
                            : piece.equals(INPUT) ? context : piece);
        }
        return out.toString();
    }

    private static List<String> pieces(String template) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < template.length()) {
            int a = template.indexOf(INSTRUCTION, i);
            int b = template.indexOf(INPUT, i);
            int next = a < 0 ? b : b < 0 ? a : Math.min(a, b);
            if (next < 0) {
                out.add(template.substring(i));
                break;
            }
            out.add(template.substring(i, next));
            String placeholder = next == a ? INSTRUCTION : INPUT;
            out.add(placeholder);
            i = next + placeholder.length();
        }
        return out;
    }

    private static int count(String s, String placeholder) {
        int n = 0;
        for (int i = s.indexOf(placeholder);
                i >= 0;
                i = s.indexOf(placeholder, i + placeholder.length())) {
            n++;
        }
        return n;
    }
}
