package dev.distill.recipes;

import dev.distill.core.checkpoint.Checkpoints;
import dev.distill.core.data.CorpusWindows;
import dev.distill.core.data.InstructionJsonl;
import dev.distill.core.data.PromptTemplate;
import dev.distill.core.data.TaskItem;
import dev.distill.core.data.TextCorpus;
import dev.distill.core.tokenizer.HfTokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A recipe's data, tokenized and checked against the recipe: the tokenizer must have exactly the
 * model's vocabulary and end-of-text id, and every training sequence and held-out prompt must fit
 * the model's positions. These checks fail before the first step, naming the recipe field to
 * change, rather than an hour into a run.
 */
public final class RecipeData implements AutoCloseable {
    /** Sizes worth printing before a run. */
    public record Stats(
            int trainItems,
            int maxPrompt,
            int maxResponse,
            double meanSequence,
            int validationItems,
            int corpusDocuments,
            int corpusWindows,
            long corpusTokens) {}

    private final HfTokenizer tokenizer;
    private final Path tokenizerFile;
    private final List<SftExample> train;
    private final List<TaskItem> validation;
    private final List<int[]> corpus;
    private final Map<String, String> sha256;
    private final Stats stats;

    private RecipeData(
            HfTokenizer tokenizer,
            Path tokenizerFile,
            List<SftExample> train,
            List<TaskItem> validation,
            List<int[]> corpus,
            Map<String, String> sha256,
            Stats stats) {
        this.tokenizer = tokenizer;
        this.tokenizerFile = tokenizerFile;
        this.train = train;
        this.validation = validation;
        this.corpus = corpus;
        this.sha256 = sha256;
        this.stats = stats;
    }

    /**
     * @param home the directory relative suite paths are resolved against (the project root)
     */
    public static RecipeData load(Recipe recipe, String source, Path home) throws IOException {
        Recipe.DataSpec d = recipe.data();
        Path tokFile = d.file(home, d.tokenizer());
        HfTokenizer tok = HfTokenizer.load(tokFile);
        try {
            return load(recipe, source, home, tok, tokFile);
        } catch (IOException | RuntimeException e) {
            tok.close();
            throw e;
        }
    }

    private static RecipeData load(
            Recipe recipe, String source, Path home, HfTokenizer tok, Path tokFile)
            throws IOException {
        Recipe.ModelSpec m = recipe.model();
        Recipe.DataSpec d = recipe.data();
        if (tok.vocabSize() != m.vocabSize()) {
            throw new InvalidRecipeException(
                    "model.vocab_size",
                    "recipe "
                            + source
                            + ": 'model.vocab_size' is "
                            + m.vocabSize()
                            + " but "
                            + tokFile
                            + " has "
                            + tok.vocabSize()
                            + " ids; set it to "
                            + tok.vocabSize());
        }
        if (tok.eosId().isEmpty() || tok.eosId().getAsInt() != m.eosTokenId()) {
            throw new InvalidRecipeException(
                    "model.eos_token_id",
                    "recipe "
                            + source
                            + ": 'model.eos_token_id' is "
                            + m.eosTokenId()
                            + " but the end-of-text id of "
                            + tokFile
                            + " is "
                            + (tok.eosId().isEmpty()
                                    ? "missing"
                                    : String.valueOf(tok.eosId().getAsInt())));
        }
        int eos = m.eosTokenId();
        int seqLen = recipe.training().seqLen();
        Map<String, String> sha = new LinkedHashMap<>();
        sha.put(d.tokenizer(), Checkpoints.sha256(tokFile));

        Path trainFile = d.file(home, d.train());
        sha.put(d.train(), Checkpoints.sha256(trainFile));
        List<SftExample> train = new ArrayList<>();
        int maxPrompt = 0;
        int maxResponse = 0;
        long tokens = 0;
        long sequences = 0;
        for (TaskItem t : InstructionJsonl.read(trainFile)) {
            int[] prompt =
                    tok.encode(PromptTemplate.format(t.item().instruction(), t.item().context()));
            List<String> refs = t.item().references();
            int[][] responses = new int[refs.size()][];
            for (int r = 0; r < refs.size(); r++) {
                int[] ids = tok.encode(refs.get(r));
                responses[r] = java.util.Arrays.copyOf(ids, ids.length + 1);
                responses[r][ids.length] = eos;
                int length = prompt.length + responses[r].length;
                if (length > seqLen) {
                    throw new InvalidRecipeException(
                            "training.seq_len",
                            "recipe "
                                    + source
                                    + ": 'training.seq_len' is "
                                    + seqLen
                                    + " but train item "
                                    + t.item().id()
                                    + " of "
                                    + trainFile
                                    + " is "
                                    + length
                                    + " tokens (prompt "
                                    + prompt.length
                                    + " + response "
                                    + ids.length
                                    + " + end-of-text)");
                }
                maxResponse = Math.max(maxResponse, ids.length);
                tokens += length;
                sequences++;
            }
            maxPrompt = Math.max(maxPrompt, prompt.length);
            train.add(new SftExample(t.item().id(), prompt, responses));
        }
        if (train.isEmpty()) {
            throw new IOException(trainFile + " has no items");
        }

        Path validationFile = d.file(home, d.validation());
        sha.put(d.validation(), Checkpoints.sha256(validationFile));
        List<TaskItem> validation = InstructionJsonl.read(validationFile);
        if (validation.isEmpty()) {
            throw new IOException(validationFile + " has no items");
        }
        for (TaskItem t : validation) {
            int prompt =
                    tok.encode(PromptTemplate.format(t.item().instruction(), t.item().context()))
                            .length;
            int room = m.nPositions() - prompt + 1; // the last generated token is never fed back
            if (recipe.evaluation().maxNewTokens() > room) {
                throw new InvalidRecipeException(
                        "evaluation.max_new_tokens",
                        "recipe "
                                + source
                                + ": 'evaluation.max_new_tokens' is "
                                + recipe.evaluation().maxNewTokens()
                                + " but validation item "
                                + t.item().id()
                                + " has a prompt of "
                                + prompt
                                + " tokens, leaving room for "
                                + room
                                + " within model.n_positions "
                                + m.nPositions());
            }
            int first = prompt + tok.encode(t.item().references().get(0)).length + 1;
            if (first > seqLen) {
                throw new InvalidRecipeException(
                        "training.seq_len",
                        "recipe "
                                + source
                                + ": 'training.seq_len' is "
                                + seqLen
                                + " but validation item "
                                + t.item().id()
                                + " is "
                                + first
                                + " tokens with its first reference");
            }
        }

        List<int[]> corpus = List.of();
        int documents = 0;
        long corpusTokens = 0;
        if (d.corpus() != null) {
            Path corpusFile = d.file(home, d.corpus());
            sha.put(d.corpus(), Checkpoints.sha256(corpusFile));
            List<String> docs = TextCorpus.read(corpusFile, TextCorpus.Separator.LINE);
            documents = docs.size();
            corpus = CorpusWindows.of(docs, tok, eos, seqLen);
            for (int[] w : corpus) {
                corpusTokens += w.length;
            }
        }
        Stats stats =
                new Stats(
                        train.size(),
                        maxPrompt,
                        maxResponse,
                        (double) tokens / sequences,
                        validation.size(),
                        documents,
                        corpus.size(),
                        corpusTokens);
        return new RecipeData(
                tok, tokFile, List.copyOf(train), List.copyOf(validation), corpus, sha, stats);
    }

    public HfTokenizer tokenizer() {
        return tokenizer;
    }

    public Path tokenizerFile() {
        return tokenizerFile;
    }

    public List<SftExample> train() {
        return train;
    }

    public List<TaskItem> validation() {
        return validation;
    }

    public List<int[]> corpus() {
        return corpus;
    }

    /** SHA-256 of every data file, by its name in the recipe. */
    public Map<String, String> sha256() {
        return sha256;
    }

    public Stats stats() {
        return stats;
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
