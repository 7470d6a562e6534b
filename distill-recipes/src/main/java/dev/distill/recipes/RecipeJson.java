package dev.distill.recipes;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Reads, checks, writes and hashes recipe files. */
public final class RecipeJson {
    private static final ObjectMapper JSON =
            new ObjectMapper()
                    .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                    .enable(SerializationFeature.INDENT_OUTPUT);

    private RecipeJson() {}

    public static Recipe read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("no recipe file at " + file);
        }
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new IOException("recipe " + file + " is not valid JSON: " + e.getMessage(), e);
        }
        return parse(file.toString(), root);
    }

    /** Builds a recipe from its JSON, naming the source in every error. */
    public static Recipe parse(String source, JsonNode root) {
        StrictJson top = new StrictJson(source, "", root);
        String name = top.text("name", null);
        String description = top.text("description", "");
        long seed = top.longInteger("seed");

        StrictJson m = top.object("model");
        Recipe.ModelSpec model =
                new Recipe.ModelSpec(
                        m.integer("vocab_size", null),
                        m.integer("n_positions", null),
                        m.integer("n_embd", null),
                        m.integer("n_layer", null),
                        m.integer("n_head", null),
                        m.integer("eos_token_id", null));
        m.finish();

        StrictJson d = top.object("data");
        Recipe.DataSpec data =
                new Recipe.DataSpec(
                        d.text("suite", null),
                        d.text("tokenizer", "tokenizer.json"),
                        d.text("train", "train.jsonl.gz"),
                        d.text("validation", "validation.jsonl.gz"),
                        d.text("corpus", ""));
        d.finish();

        StrictJson o = top.object("optimizer");
        double lr = o.decimal("lr", null);
        double[] betas = o.decimals("betas", 2);
        Recipe.OptimizerSpec optimizer =
                new Recipe.OptimizerSpec(
                        lr,
                        betas[0],
                        betas[1],
                        o.decimal("eps", 1e-8),
                        o.decimal("weight_decay", null),
                        o.decimal("grad_clip", null),
                        o.integer("warmup_steps", null),
                        o.decimal("min_lr_ratio", null));
        o.finish();

        StrictJson t = top.object("training");
        Recipe.TrainingSpec training =
                new Recipe.TrainingSpec(
                        t.integer("steps", null),
                        t.integer("batch_size", null),
                        t.integer("seq_len", null),
                        t.decimal("corpus_fraction", null),
                        t.integer("log_every", 50),
                        t.integer("checkpoint_every", 1000));
        t.finish();

        StrictJson e = top.object("evaluation");
        Recipe.EvalSpec evaluation =
                new Recipe.EvalSpec(
                        e.integer("every", null),
                        e.integer("items", 100),
                        e.integer("max_new_tokens", null),
                        e.integers("seeds"));
        e.finish();
        top.finish();

        Recipe r =
                new Recipe(
                        name,
                        description,
                        seed,
                        model,
                        data.corpus().isEmpty()
                                ? new Recipe.DataSpec(
                                        data.suite(),
                                        data.tokenizer(),
                                        data.train(),
                                        data.validation(),
                                        null)
                                : data,
                        optimizer,
                        training,
                        evaluation);
        validate(r, source);
        return r;
    }

    /** Range and consistency checks that need no data; each error names its field. */
    static void validate(Recipe r, String source) {
        Check c = new Check(source);
        c.require(
                r.name().matches("[A-Za-z0-9._-]+"),
                "name",
                "must be letters, digits, '.', '_' or '-', got '" + r.name() + "'");
        Recipe.ModelSpec m = r.model();
        c.require(m.vocabSize() > 0, "model.vocab_size", "must be positive, got " + m.vocabSize());
        c.require(
                m.nPositions() > 1,
                "model.n_positions",
                "must be at least 2, got " + m.nPositions());
        c.require(m.nEmbd() > 0, "model.n_embd", "must be positive, got " + m.nEmbd());
        c.require(m.nLayer() > 0, "model.n_layer", "must be positive, got " + m.nLayer());
        c.require(
                m.nHead() > 0 && m.nEmbd() % m.nHead() == 0,
                "model.n_head",
                "must be positive and divide n_embd " + m.nEmbd() + ", got " + m.nHead());
        c.require(
                m.eosTokenId() >= 0 && m.eosTokenId() < m.vocabSize(),
                "model.eos_token_id",
                "must be an id below vocab_size " + m.vocabSize() + ", got " + m.eosTokenId());
        Recipe.OptimizerSpec o = r.optimizer();
        c.require(o.lr() > 0 && o.lr() < 1, "optimizer.lr", "must be in (0, 1), got " + o.lr());
        c.require(
                o.beta1() >= 0 && o.beta1() < 1,
                "optimizer.betas[0]",
                "must be in [0, 1), got " + o.beta1());
        c.require(
                o.beta2() >= 0 && o.beta2() < 1,
                "optimizer.betas[1]",
                "must be in [0, 1), got " + o.beta2());
        c.require(o.eps() > 0, "optimizer.eps", "must be positive, got " + o.eps());
        c.require(
                o.weightDecay() >= 0 && o.weightDecay() < 1,
                "optimizer.weight_decay",
                "must be in [0, 1), got " + o.weightDecay());
        c.require(
                o.gradClip() >= 0,
                "optimizer.grad_clip",
                "must be >= 0 (0 = no clipping), got " + o.gradClip());
        c.require(
                o.minLrRatio() >= 0 && o.minLrRatio() <= 1,
                "optimizer.min_lr_ratio",
                "must be in [0, 1], got " + o.minLrRatio());
        Recipe.TrainingSpec t = r.training();
        c.require(t.steps() > 0, "training.steps", "must be positive, got " + t.steps());
        c.require(
                o.warmupSteps() >= 0 && o.warmupSteps() <= t.steps(),
                "optimizer.warmup_steps",
                "must be between 0 and training.steps " + t.steps() + ", got " + o.warmupSteps());
        c.require(
                t.batchSize() > 0, "training.batch_size", "must be positive, got " + t.batchSize());
        c.require(t.seqLen() >= 2, "training.seq_len", "must be at least 2, got " + t.seqLen());
        c.require(
                t.seqLen() <= m.nPositions(),
                "training.seq_len",
                t.seqLen()
                        + " is longer than model.n_positions "
                        + m.nPositions()
                        + "; the model has no position beyond it");
        c.require(
                t.corpusFraction() >= 0 && t.corpusFraction() < 1,
                "training.corpus_fraction",
                "must be in [0, 1) (the rest of the steps are instruction items), got "
                        + t.corpusFraction());
        c.require(
                t.corpusFraction() == 0 || r.data().corpus() != null,
                "data.corpus",
                "is needed when training.corpus_fraction is " + t.corpusFraction());
        c.require(t.logEvery() > 0, "training.log_every", "must be positive, got " + t.logEvery());
        c.require(
                t.checkpointEvery() > 0,
                "training.checkpoint_every",
                "must be positive, got " + t.checkpointEvery());
        Recipe.EvalSpec e = r.evaluation();
        c.require(e.every() > 0, "evaluation.every", "must be positive, got " + e.every());
        c.require(e.items() > 0, "evaluation.items", "must be positive, got " + e.items());
        c.require(
                e.maxNewTokens() > 0 && e.maxNewTokens() < m.nPositions(),
                "evaluation.max_new_tokens",
                "must be between 1 and model.n_positions - 1, got " + e.maxNewTokens());
    }

    public static ObjectNode toJson(Recipe r) {
        ObjectNode root = JSON.createObjectNode();
        root.put("name", r.name());
        root.put("description", r.description());
        root.put("seed", r.seed());
        ObjectNode m = root.putObject("model");
        m.put("vocab_size", r.model().vocabSize());
        m.put("n_positions", r.model().nPositions());
        m.put("n_embd", r.model().nEmbd());
        m.put("n_layer", r.model().nLayer());
        m.put("n_head", r.model().nHead());
        m.put("eos_token_id", r.model().eosTokenId());
        ObjectNode d = root.putObject("data");
        d.put("suite", r.data().suite());
        d.put("tokenizer", r.data().tokenizer());
        d.put("train", r.data().train());
        d.put("validation", r.data().validation());
        if (r.data().corpus() != null) {
            d.put("corpus", r.data().corpus());
        }
        ObjectNode o = root.putObject("optimizer");
        o.put("lr", r.optimizer().lr());
        o.putArray("betas").add(r.optimizer().beta1()).add(r.optimizer().beta2());
        o.put("eps", r.optimizer().eps());
        o.put("weight_decay", r.optimizer().weightDecay());
        o.put("grad_clip", r.optimizer().gradClip());
        o.put("warmup_steps", r.optimizer().warmupSteps());
        o.put("min_lr_ratio", r.optimizer().minLrRatio());
        ObjectNode t = root.putObject("training");
        t.put("steps", r.training().steps());
        t.put("batch_size", r.training().batchSize());
        t.put("seq_len", r.training().seqLen());
        t.put("corpus_fraction", r.training().corpusFraction());
        t.put("log_every", r.training().logEvery());
        t.put("checkpoint_every", r.training().checkpointEvery());
        ObjectNode e = root.putObject("evaluation");
        e.put("every", r.evaluation().every());
        e.put("items", r.evaluation().items());
        e.put("max_new_tokens", r.evaluation().maxNewTokens());
        ArrayNode seeds = e.putArray("seeds");
        for (long s : r.evaluation().seeds()) {
            seeds.add(s);
        }
        return root;
    }

    public static void write(Recipe r, Path file) throws IOException {
        Files.writeString(file, JSON.writeValueAsString(toJson(r)) + "\n");
    }

    /**
     * SHA-256 of the canonical JSON (fixed field order) of the fields that decide the weights:
     * seed, model, data, optimiser and the batch plan; not the name, description, logging,
     * checkpoint or evaluation cadence. It is the checkpoint's config_hash: a run resumes only
     * under a recipe that trains the same weights, while reporting can be changed between sessions.
     */
    public static String sha256(Recipe r) {
        ObjectNode json = toJson(r);
        json.remove(java.util.List.of("name", "description", "evaluation"));
        ((ObjectNode) json.get("training"))
                .remove(java.util.List.of("log_every", "checkpoint_every"));
        try {
            byte[] bytes =
                    JSON.writer()
                            .without(SerializationFeature.INDENT_OUTPUT)
                            .writeValueAsString(json)
                            .getBytes(StandardCharsets.UTF_8);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException | IOException e) {
            throw new IllegalStateException("cannot hash a recipe", e);
        }
    }

    private record Check(String source) {
        void require(boolean ok, String field, String reason) {
            if (!ok) {
                throw new InvalidRecipeException(
                        field, "recipe " + source + ": '" + field + "' " + reason);
            }
        }
    }
}
