package dev.distill.data.suite;

import dev.distill.core.data.PromptTemplate;
import dev.distill.core.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Checks a draft against the suite's tokenizer: the prompt and every reference fit their token
 * budgets (references that do not are dropped, an item left with none is dropped), and every text
 * decodes back to exactly itself without [UNK], so what is scored is what was written. A text that
 * does not round-trip is a bug in a family's wording, and fails the build.
 */
final class ItemFit {
    private final Tokenizer tokenizer;
    private final int unk;
    private final int maxPromptTokens;
    private final int maxResponseTokens;

    ItemFit(Tokenizer tokenizer, int unkId, int maxPromptTokens, int maxResponseTokens) {
        this.tokenizer = tokenizer;
        this.unk = unkId;
        this.maxPromptTokens = maxPromptTokens;
        this.maxResponseTokens = maxResponseTokens;
    }

    Optional<Draft> fit(String family, String key, Draft d) {
        check(family, key, d.instruction());
        if (d.context() != null) {
            check(family, key, d.context());
        }
        d.options().forEach(o -> check(family, key, o));
        if (tokens(PromptTemplate.format(d.instruction(), d.context())) > maxPromptTokens) {
            return Optional.empty();
        }
        List<String> refs = new ArrayList<>();
        for (String r : d.references()) {
            check(family, key, r);
            if (tokens(r) <= maxResponseTokens) {
                refs.add(r);
            }
        }
        if (refs.isEmpty() || (d.answer() >= 0 && refs.size() < d.references().size())) {
            return Optional.empty();
        }
        return Optional.of(new Draft(d.instruction(), d.context(), refs, d.options(), d.answer()));
    }

    /** A pre-training document must round-trip too. */
    void check(String where, String text) {
        check(where, "", text);
    }

    int tokens(String text) {
        return tokenizer.encode(text).length;
    }

    private void check(String family, String key, String text) {
        int[] ids = tokenizer.encode(text);
        String back = tokenizer.decode(ids);
        for (int id : ids) {
            if (id == unk) {
                throw new IllegalStateException(
                        family
                                + "/"
                                + key
                                + ": \""
                                + text
                                + "\" has a character the vocabulary lacks ([UNK])");
            }
        }
        if (!back.equals(text)) {
            throw new IllegalStateException(
                    family
                            + "/"
                            + key
                            + ": \""
                            + text
                            + "\" decodes as \""
                            + back
                            + "\"; change the wording so the tokenizer writes it back exactly");
        }
    }
}
