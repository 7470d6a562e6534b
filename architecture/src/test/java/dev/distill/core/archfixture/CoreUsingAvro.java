package dev.distill.core.archfixture;

/**
 * Breaks the core rule: a core class that parses an Avro schema. Only
 * LayeringRulesCatchViolationsTest reads it.
 */
public final class CoreUsingAvro {
    public static Object parse(String json) {
        return new org.apache.avro.Schema.Parser().parse(json);
    }
}
