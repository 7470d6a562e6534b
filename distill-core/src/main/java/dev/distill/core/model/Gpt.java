package dev.distill.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import ai.djl.ndarray.types.SparseFormat;

import java.util.ArrayList;
import java.util.List;

/**
 * GPT-2: token + learned position embeddings, n_layer pre-LN blocks, final LayerNorm, LM head (tied to
 * wte unless the config says otherwise). Parameter names are Hugging Face's.
 *
 * <p>Callers run {@link #forward} inside a per-step manager after {@code parameters().borrow(step)};
 * every array the pass creates then dies with that manager.
 */
public final class Gpt implements AutoCloseable {
    private final GptConfig config;
    private final Parameters params;
    private final NDArray wte;
    private final NDArray wpe;
    private final List<Block> blocks = new ArrayList<>();
    private final Norm lnF;
    private final NDArray lmHead;

    private Gpt(GptConfig config, Parameters params) {
        this.config = config;
        this.params = params;
        this.wte = params.normal("wte.weight", new Shape(config.vocabSize(), config.nEmbd()), 0.02);
        this.wpe = params.normal("wpe.weight", new Shape(config.nPositions(), config.nEmbd()), 0.01);
        for (int i = 0; i < config.nLayer(); i++) {
            blocks.add(new Block(params, "h." + i, config));
        }
        this.lnF = new Norm(params, "ln_f", config.nEmbd(), config.layerNormEpsilon());
        this.lmHead = config.tieWordEmbeddings()
                ? wte
                : params.normal("lm_head.weight", new Shape(config.vocabSize(), config.nEmbd()), 0.02);
    }

    /** A freshly initialised model (GPT-2 initialisation, drawn from {@code seed}). */
    public static Gpt create(GptConfig config, NDManager parent, long seed) {
        return new Gpt(config, new Parameters(parent, seed));
    }

    public GptConfig config() {
        return config;
    }

    public Parameters parameters() {
        return params;
    }

    /**
     * A per-step manager that holds the weights until it closes (see {@link Parameters#borrow}); run
     * every forward pass, backward pass and optimiser update inside one.
     */
    public NDManager newStep() {
        NDManager step = params.manager().getParentManager().newSubManager();
        params.borrow(step);
        return step;
    }

    /** Logits and the keys/values of every layer (past + new positions). */
    public record Output(NDArray logits, List<KeyValue> present) {}

    /**
     * @param idx       (B, T) int64 token ids
     * @param positions (B, T) int64 position ids (rows differ under left padding)
     * @param mask      additive mask broadcastable to (B, H, T, Tpast + T), see {@link AttentionMask}
     * @param past      one KeyValue per layer from earlier calls, or null
     * @param lastOnly  compute logits for the last position only (generation), sparing the V x T head
     */
    public Output forward(NDArray idx, NDArray positions, NDArray mask, List<KeyValue> past, boolean lastOnly) {
        long t = idx.getShape().get(1);
        long pastLen = past == null ? 0 : past.get(0).length();
        if (pastLen + t > config.nPositions()) {
            throw new IllegalArgumentException("sequence of " + (pastLen + t) + " positions exceeds n_positions "
                    + config.nPositions());
        }
        NDArray tok = Embedding.embedding(idx, wte, SparseFormat.DENSE).singletonOrThrow();       // (B, T, C)
        NDArray pos = Embedding.embedding(positions, wpe, SparseFormat.DENSE).singletonOrThrow(); // (B, T, C)
        NDArray x = tok.add(pos);                                                                  // (B, T, C)
        List<KeyValue> present = new ArrayList<>(blocks.size());
        for (int i = 0; i < blocks.size(); i++) {
            CausalSelfAttention.Output o = blocks.get(i).forward(x, mask, past == null ? null : past.get(i));
            x = o.y();                                                                             // (B, T, C)
            present.add(o.present());
        }
        if (lastOnly) {
            x = x.get(new NDIndex(":, -1:, :"));                                                   // (B, 1, C)
        }
        x = lnF.forward(x);                                                                        // (B, T, C)
        NDArray logits = Linear.linear(x, lmHead).singletonOrThrow();                              // (B, T, V)
        return new Output(logits, present);
    }

    /** Full causal forward from position 0: (B, T) ids to (B, T, V) logits. */
    public NDArray forward(NDArray idx) {
        NDManager m = idx.getManager();
        int t = Math.toIntExact(idx.getShape().get(1));
        NDArray positions = m.arange(0, t, 1, DataType.INT64).expandDims(0);                     // (1, T)
        positions = positions.broadcast(idx.getShape());                                           // (B, T)
        return forward(idx, positions, AttentionMask.causal(m, t, 0), null, false).logits();      // (B, T, V)
    }

    @Override
    public void close() {
        params.close();
    }
}
