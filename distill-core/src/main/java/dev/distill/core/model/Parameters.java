package dev.distill.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The named weights of a model, in creation order, under Hugging Face GPT-2 names. Modules keep
 * references to these arrays; loading a checkpoint overwrites their contents in place.
 *
 * <p>All arrays live in one manager owned by this object. PyTorch ops attach their result to the
 * manager of their receiver, so an op on a weight would leak into this long-lived manager: every
 * forward pass therefore runs inside {@link #borrow(NDManager)}, which temporarily moves the
 * weights into the caller's per-step manager and hands them back when it closes.
 */
public final class Parameters implements AutoCloseable {

    private final NDManager manager;
    private final Map<String, NDArray> arrays = new LinkedHashMap<>();

    /**
     * Derived constants (rotary tables): borrowed with the weights, never trained, saved or
     * counted.
     */
    private final Map<String, NDArray> buffers = new LinkedHashMap<>();

    private final SplittableRandom init;

    public Parameters(NDManager parent, long seed) {
        this.manager = parent.newSubManager();
        this.init = new SplittableRandom(seed);
    }

    private Parameters(NDManager parent) {
        this.manager = parent.newSubManager();
        this.init = null;
    }

    /**
     * Weights that a checkpoint is about to overwrite: zeros allocated natively, so loading a large
     * model does not first draw (and leave on the Java heap) a random initialisation as large as
     * itself.
     */
    public static Parameters forLoading(NDManager parent) {
        return new Parameters(parent);
    }

    /**
     * Normal(0, std) initialisation, drawn in Java so it is identical on every engine and thread
     * count.
     */
    public NDArray normal(String name, Shape shape, double std) {
        if (init == null) {
            return add(name, manager.zeros(shape, DataType.FLOAT32));
        }
        float[] values = new float[Math.toIntExact(shape.size())];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (gaussian() * std);
        }
        return add(name, manager.create(values, shape));
    }

    public NDArray constant(String name, Shape shape, float value) {
        return add(name, manager.full(shape, value, DataType.FLOAT32));
    }

    /** A constant the forward pass reads, such as the rotary cos/sin tables. */
    public NDArray buffer(String name, float[] values, Shape shape) {
        NDArray a = manager.create(values, shape);
        if (buffers.putIfAbsent(name, a) != null) {
            throw new IllegalStateException("duplicate buffer name " + name);
        }
        return a;
    }

    private NDArray add(String name, NDArray array) {
        if (arrays.putIfAbsent(name, array) != null) {
            throw new IllegalStateException("duplicate parameter name " + name);
        }
        array.setName(name);
        return array;
    }

    private double gaussian() {
        // Box-Muller on our own generator: java.util.Random's nextGaussian is not specified across
        // JDKs.
        double u1 = init.nextDouble();
        double u2 = init.nextDouble();
        return Math.sqrt(-2.0 * Math.log(1.0 - u1)) * Math.cos(2.0 * Math.PI * u2);
    }

    public NDArray get(String name) {
        NDArray a = arrays.get(name);
        if (a == null) {
            throw new IllegalArgumentException("no parameter named " + name);
        }
        return a;
    }

    /** Name to array, in creation order (read-only view). */
    public Map<String, NDArray> asMap() {
        return Collections.unmodifiableMap(arrays);
    }

    public long count() {
        return arrays.values().stream().mapToLong(a -> a.getShape().size()).sum();
    }

    public void requireGradients(boolean on) {
        arrays.values().forEach(a -> a.setRequiresGradient(on));
    }

    /** Moves the weights into {@code scope} until it closes; see the class comment. */
    public void borrow(NDManager scope) {
        scope.tempAttachAll(arrays.values().toArray(new NDArray[0]));
        if (!buffers.isEmpty()) {
            scope.tempAttachAll(buffers.values().toArray(new NDArray[0]));
        }
    }

    /** The manager that owns the weights; optimiser state that must live as long belongs here. */
    public NDManager manager() {
        return manager;
    }

    @Override
    public void close() {
        manager.close();
    }
}
