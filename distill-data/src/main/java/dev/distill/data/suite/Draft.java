package dev.distill.data.suite;

import java.util.List;

/**
 * An item as a family writes it, before the builder checks its length in tokens and gives it a
 * split and an id.
 *
 * @param context null when the instruction stands alone
 * @param references every acceptable response, the most typical first
 * @param options answer options of a multiple-choice item, else empty
 * @param answer index of the correct option, -1 when there are no options
 */
public record Draft(
        String instruction,
        String context,
        List<String> references,
        List<String> options,
        int answer) {
    public Draft {
        references = List.copyOf(references);
        options = List.copyOf(options);
    }

    static Draft of(String instruction, String context, List<String> references) {
        return new Draft(instruction, context, references, List.of(), -1);
    }

    static Draft of(String instruction, List<String> references) {
        return of(instruction, null, references);
    }

    static Draft choice(String instruction, String context, List<String> options, int answer) {
        return new Draft(instruction, context, List.of(options.get(answer)), options, answer);
    }
}
