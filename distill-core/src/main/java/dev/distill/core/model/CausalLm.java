package dev.distill.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.List;

/**
 * A decoder-only language model of any supported family (GPT-2, OPT, the Llama family): token
 * embedding (+ learned positions for GPT-2 and OPT), n_layer pre-norm {@link Block}s, a final norm
 * and the LM head (tied to the embedding unless the config says otherwise). Parameter names are
 * Hugging Face's. Logits cover the tokenizer's vocabulary only: rows an embedding pads beyond it
 * (Qwen) are never scored, so they carry no probability mass in any sample, score or divergence.
 *
 * <p>Callers run {@link #forward} inside a per-step manager from {@link #newStep()}; every array
 * the pass creates then dies with that manager.
 */
public final class CausalLm implements AutoCloseable {
    private final ModelConfig config;
    private final Parameters params;
    private final NDArray tokens;
    private final NDArray positionTable;
    private final long positionOffset;
    private final Rotary rotary;
    private final List<Block> blocks = new ArrayList<>();
    private final Norm finalNorm;
    private final NDArray head;

    private CausalLm(ModelConfig config, Parameters params) {
        this.config = config;
        this.params = params;
        Layout names = Layout.of(config.family());
        int c = config.hidden();
        this.tokens = params.normal(names.tokens(), new Shape(config.embeddingRows(), c), 0.02);
        boolean learned = config.rope() == null;
        this.positionTable =
                learned
                        ? params.normal(
                                names.positions(),
                                new Shape(config.positionRows(), c),
                                config.family() == Family.GPT2 ? 0.01 : 0.02)
                        : null;
        this.positionOffset = config.positionRows() - config.nPositions(); // OPT: 2
        this.rotary = learned ? null : new Rotary(params, config);
        for (int i = 0; i < config.nLayer(); i++) {
            blocks.add(new Block(params, names, i, config));
        }
        this.finalNorm = Norm.of(params, names.finalNorm(), c, config);
        this.head =
                config.tieWordEmbeddings()
                        ? tokens
                        : params.normal(Layout.HEAD, new Shape(config.embeddingRows(), c), 0.02);
    }

    /** A freshly initialised model (weights drawn from {@code seed}, GPT-2's scheme). */
    public static CausalLm create(ModelConfig config, NDManager parent, long seed) {
        return new CausalLm(config, new Parameters(parent, seed));
    }

    /**
     * A model whose weights are about to be loaded: natively allocated zeros, no initialisation
     * drawn.
     */
    public static CausalLm forLoading(ModelConfig config, NDManager parent) {
        return new CausalLm(config, Parameters.forLoading(parent));
    }

    public static CausalLm create(GptConfig config, NDManager parent, long seed) {
        return create(config.toModelConfig(), parent, seed);
    }

    public ModelConfig config() {
        return config;
    }

    public Parameters parameters() {
        return params;
    }

    /**
     * A per-step manager that holds the weights until it closes (see {@link Parameters#borrow});
     * run every forward pass, backward pass and optimiser update inside one.
     */
    public NDManager newStep() {
        NDManager step = params.manager().getParentManager().newSubManager();
        params.borrow(step);
        return step;
    }

    /** Logits and the keys/values of every layer (past + new positions). */
    public record Output(NDArray logits, List<KeyValue> present) {}

    /**
     * @param idx (B, T) int64 token ids
     * @param positions (B, T) int64 position ids (rows differ under left padding)
     * @param mask additive mask broadcastable to (B, H, T, Tpast + T), see {@link AttentionMask}
     * @param past one KeyValue per layer from earlier calls, or null
     * @param lastOnly compute logits for the last position only (generation), sparing the V x T
     *     head
     */
    public Output forward(
            NDArray idx, NDArray positions, NDArray mask, List<KeyValue> past, boolean lastOnly) {
        long t = idx.getShape().get(1);
        long pastLen = past == null ? 0 : past.get(0).length();
        if (pastLen + t > config.nPositions()) {
            throw new IllegalArgumentException(
                    "sequence of "
                            + (pastLen + t)
                            + " positions exceeds the model's context of "
                            + config.nPositions());
        }
        NDArray x =
                Embedding.embedding(idx, tokens, SparseFormat.DENSE)
                        .singletonOrThrow(); // (B, T, C)
        Rotary.Angles angles = null;
        if (positionTable != null) {
            NDArray rows =
                    positionOffset == 0 ? positions : positions.add(positionOffset); // (B, T)
            x =
                    x.add(
                            Embedding.embedding(rows, positionTable, SparseFormat.DENSE)
                                    .singletonOrThrow()); // (B, T, C)
        } else {
            angles = rotary.at(positions); // (B, 1, T, hd)
        }
        List<KeyValue> present = new ArrayList<>(blocks.size());
        boolean inference = !JniUtils.isGradMode();
        for (int i = 0; i < blocks.size(); i++) {
            KeyValue layerPast = past == null ? null : past.get(i);
            Attention.Output o =
                    inference
                            ? inLayerScope(blocks.get(i), x, angles, mask, layerPast)
                            : blocks.get(i).forward(x, angles, mask, layerPast);
            x = o.y(); // (B, T, C)
            present.add(o.present());
        }
        if (lastOnly) {
            x = x.get(new NDIndex(":, -1:, :")); // (B, 1, C)
        }
        x = finalNorm.forward(x); // (B, T, C)
        NDArray w =
                config.vocabSize() == config.embeddingRows()
                        ? head
                        : head.get(
                                new NDIndex(
                                        "0:"
                                                + config.vocabSize()
                                                + ", :")); // (V, C) padding dropped
        NDArray logits = Linear.linear(x, w).singletonOrThrow(); // (B, T, V)
        return new Output(logits, present);
    }

    /**
     * One block whose intermediates die with it: DJL frees an array only when its manager closes,
     * so without this a forward pass would hold every layer's activations until the step ends
     * (PyTorch eager frees them as soon as they are unused). Only without autograd, which needs
     * them.
     */
    private static Attention.Output inLayerScope(
            Block block, NDArray x, Rotary.Angles angles, NDArray mask, KeyValue past) {
        NDManager outer = x.getManager();
        try (NDManager layer = outer.newSubManager()) {
            layer.tempAttachAll(x);
            Attention.Output o = block.forward(x, angles, mask, past);
            o.y().attach(outer);
            o.present().keys().attach(outer);
            o.present().values().attach(outer);
            return o;
        }
    }

    /** Full causal forward from position 0: (B, T) ids to (B, T, V) logits. */
    public NDArray forward(NDArray idx) {
        NDManager m = idx.getManager();
        int t = Math.toIntExact(idx.getShape().get(1));
        NDArray positions = m.arange(0, t, 1, DataType.INT64).expandDims(0); // (1, T)
        positions = positions.broadcast(idx.getShape()); // (B, T)
        return forward(idx, positions, AttentionMask.causal(m, t, 0), null, false)
                .logits(); // (B, T, V)
    }

    @Override
    public void close() {
        params.close();
    }
}
