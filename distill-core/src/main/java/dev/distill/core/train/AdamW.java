package dev.distill.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.distill.core.checkpoint.Tensor;
import dev.distill.core.model.NoGrad;
import dev.distill.core.model.Parameters;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * AdamW with decoupled weight decay on matrices and embeddings only (not biases or LayerNorm), as
 * in GPT-2 and nanoGPT, with global grad-norm clipping. Written out rather than DJL's optimiser so
 * its state can be saved with a checkpoint and restored bit for bit, and so the decay set is
 * explicit.
 */
public final class AdamW implements AutoCloseable {
    public record Settings(
            double beta1, double beta2, double eps, double weightDecay, double clipNorm) {
        public static Settings gpt() {
            return new Settings(0.9, 0.95, 1e-8, 0.1, 1.0);
        }
    }

    /** What one update did: the gradient norm before clipping and the factor applied. */
    public record Update(double gradNorm, double clipScale) {}

    private final Parameters params;
    private final Settings settings;
    private final NDManager stateManager;
    private final Map<String, NDArray> expAvg = new LinkedHashMap<>();
    private final Map<String, NDArray> expAvgSq = new LinkedHashMap<>();
    private long t;

    public AdamW(Parameters params, Settings settings) {
        this.params = params;
        this.settings = settings;
        this.stateManager = params.manager().newSubManager();
        for (Map.Entry<String, NDArray> e : params.asMap().entrySet()) {
            expAvg.put(e.getKey(), stateManager.zeros(e.getValue().getShape()));
            expAvgSq.put(e.getKey(), stateManager.zeros(e.getValue().getShape()));
        }
    }

    public long steps() {
        return t;
    }

    /**
     * Clips and applies the accumulated gradients, then zeroes them. Runs inside the caller's step
     * manager (weights borrowed into it); the state is borrowed too, so no temporary outlives the
     * step.
     *
     * @throws NonFiniteException if any gradient is NaN or infinite; no weight is changed then
     */
    public Update step(NDManager scope, double lr) {
        try (NoGrad ignored = new NoGrad()) {
            scope.tempAttachAll(expAvg.values().toArray(new NDArray[0]));
            scope.tempAttachAll(expAvgSq.values().toArray(new NDArray[0]));
            Map<String, NDArray> grads = new LinkedHashMap<>();
            double sq = 0;
            for (Map.Entry<String, NDArray> e : params.asMap().entrySet()) {
                NDArray g = e.getValue().getGradient();
                grads.put(e.getKey(), g);
                sq += g.square().sum().getFloat();
            }
            double norm = Math.sqrt(sq);
            if (!Double.isFinite(norm)) {
                throw new NonFiniteException(
                        "gradient norm is "
                                + norm
                                + " at optimiser step "
                                + (t + 1)
                                + "; no update applied");
            }
            double clip =
                    settings.clipNorm() > 0 && norm > settings.clipNorm()
                            ? settings.clipNorm() / (norm + 1e-6)
                            : 1.0;
            t++;
            double bc1 = 1 - Math.pow(settings.beta1(), t);
            double bc2 = 1 - Math.pow(settings.beta2(), t);
            for (Map.Entry<String, NDArray> e : params.asMap().entrySet()) {
                NDArray p = e.getValue();
                NDArray g = grads.get(e.getKey()).mul((float) clip);
                NDArray m = expAvg.get(e.getKey());
                NDArray v = expAvgSq.get(e.getKey());
                m.muli((float) settings.beta1()).addi(g.mul((float) (1 - settings.beta1())));
                v.muli((float) settings.beta2())
                        .addi(g.square().muli((float) (1 - settings.beta2())));
                if (p.getShape().dimension() >= 2 && settings.weightDecay() > 0) {
                    p.muli((float) (1 - lr * settings.weightDecay()));
                }
                NDArray denom = v.div((float) bc2).sqrt().addi((float) settings.eps());
                p.subi(m.div(denom).muli((float) (lr / bc1)));
                JniUtils.zeroGrad((PtNDArray) p);
            }
            return new Update(norm, clip);
        }
    }

    /** exp_avg.NAME, exp_avg_sq.NAME and the step count, for optimizer.safetensors. */
    public Map<String, Tensor> state() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (String name : expAvg.keySet()) {
            out.put("exp_avg." + name, tensor(expAvg.get(name)));
            out.put("exp_avg_sq." + name, tensor(expAvgSq.get(name)));
        }
        out.put("step", new Tensor(new long[] {1}, new float[] {t}));
        return out;
    }

    public void load(Map<String, Tensor> state) {
        Tensor step = state.get("step");
        if (step == null) {
            throw new IllegalArgumentException("optimiser state lacks 'step'");
        }
        for (String name : expAvg.keySet()) {
            copy(state, "exp_avg." + name, expAvg.get(name));
            copy(state, "exp_avg_sq." + name, expAvgSq.get(name));
        }
        t = (long) step.data()[0];
    }

    private static void copy(Map<String, Tensor> state, String key, NDArray into) {
        Tensor src = state.get(key);
        if (src == null || !java.util.Arrays.equals(src.shape(), into.getShape().getShape())) {
            throw new IllegalArgumentException(
                    "optimiser state " + key + " is missing or has the wrong shape");
        }
        into.set(java.nio.FloatBuffer.wrap(src.data()));
    }

    private static Tensor tensor(NDArray a) {
        return new Tensor(a.getShape().getShape(), a.toFloatArray());
    }

    @Override
    public void close() {
        stateManager.close();
    }
}
