package dev.distill.core.data;

/**
 * The text a model sees for an instruction. One template for teacher, student and evaluation, so the
 * student is distilled on exactly the inputs it is scored on; the response follows directly.
 */
public final class PromptTemplate {
    private PromptTemplate() {}

    public static String format(String instruction, String context) {
        return context == null || context.isBlank()
                ? instruction + "\n"
                : instruction + "\n" + context + "\n";
    }
}
