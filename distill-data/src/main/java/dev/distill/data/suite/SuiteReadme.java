package dev.distill.data.suite;

import dev.distill.core.data.TaskItem;
import java.util.List;
import java.util.Map;

/**
 * README.md of a built suite: what the files are, what each family asks (with a real example), how
 * to rebuild.
 */
final class SuiteReadme {
    private SuiteReadme() {}

    static String markdown(
            SuiteConfig cfg,
            List<TaskFamily> families,
            Map<String, Map<Split, Integer>> counts,
            List<TaskItem> examples,
            int corpusDocuments,
            int vocabularySize) {
        StringBuilder rows = new StringBuilder();
        for (TaskFamily f : families) {
            Map<Split, Integer> c = counts.get(f.name());
            TaskItem ex =
                    examples.stream()
                            .filter(t -> t.family().equals(f.name()))
                            .findFirst()
                            .orElse(null);
            String example =
                    ex == null
                            ? ""
                            : "`"
                                    + ex.item().instruction()
                                    + (ex.item().context() != null
                                            ? " / " + ex.item().context()
                                            : "")
                                    + "` -> `"
                                    + String.join("` \\| `", ex.item().references())
                                    + "`";
            rows.append("| ")
                    .append(f.name())
                    .append(" | ")
                    .append(c.get(Split.TRAIN))
                    .append(" | ")
                    .append(c.get(Split.VALIDATION))
                    .append(" | ")
                    .append(c.get(Split.TEST))
                    .append(" | ")
                    .append(example)
                    .append(" |\n");
        }
        return """
        # The bundled task suite

        Built by `%s` from WordNet 3.0 (see MANIFEST.json for the sources' SHA-256, LICENSES.md for
        the licence). Rebuilding with the same WordNet files and seed gives the same bytes.

        | file | what |
        |---|---|
        | `train.jsonl.gz`, `validation.jsonl.gz`, `test.jsonl.gz` | instruction items, one JSON object per line (below) |
        | `corpus.txt.gz` | pre-training corpus for the L_pt term: %,d documents, one per line |
        | `tokenizer.json` | Hugging Face tokenizer, %,d ids: WordPiece over whole words, with letter and digit pieces so no text becomes [UNK]; lower-cases; `<|endoftext|>` ends a response, a newline token ends a prompt |
        | `MANIFEST.json` | recipe, sizes, counts per family and split, SHA-256 of every file |

        An item: `{"id", "family", "key", "instruction", "context"?, "references": [...]}`; multi-answer
        items list every valid answer; multiple-choice items add `"options"` and `"answer"` (the index of
        the correct option, whose text is the reference). The model sees
        `instruction + "\\n" + (context + "\\n")?` and answers with a reference (at most %d prompt
        and %d response tokens).

        Splits are made over keys (the word, number or synset an item asks about): a held-out item's
        key never appears in training items of its family, nor of a family sharing its key space
        (`choice-meaning` with `word-for-meaning`, `choice-kind` with `kind-of`). Other families may ask
        about the same word in another way, and the corpus gives every word's spelling, definitions and
        relations, held-out words included: held-out items test recalling and using that knowledge,
        which is where a larger model's capacity shows.

        | family | train | validation | test | example (test) |
        |---|---|---|---|---|
        %s\
        """
                .formatted(
                        SuiteManifest.recipe(cfg),
                        corpusDocuments,
                        vocabularySize,
                        cfg.maxPromptTokens(),
                        cfg.maxResponseTokens(),
                        rows);
    }
}
