package dev.distill.core.generation;

import ai.djl.ndarray.NDManager;
import dev.distill.core.model.KeyValue;
import java.util.List;

/**
 * Keys and values of every layer across decoding steps. A step borrows the cache ({@link #lend}) so
 * that everything the attention derives from it dies with the step; the grown cache the step
 * returns is then kept ({@link #keep}) and the previous one freed once the step has closed ({@link
 * #freeRetired}). Memory therefore holds one cache, not one per step.
 */
final class KvCache implements AutoCloseable {
    private final NDManager manager;
    private List<KeyValue> layers;
    private List<KeyValue> retired;

    KvCache(NDManager parent) {
        this.manager = parent.newSubManager();
    }

    long length() {
        return layers == null ? 0 : layers.get(0).length();
    }

    List<KeyValue> lend(NDManager step) {
        if (layers != null) {
            for (KeyValue kv : layers) {
                step.tempAttachAll(kv.keys(), kv.values());
            }
        }
        return layers;
    }

    void keep(List<KeyValue> present) {
        for (KeyValue kv : present) {
            kv.keys().attach(manager);
            kv.values().attach(manager);
        }
        retired = layers;
        layers = present;
    }

    void freeRetired() {
        if (retired != null) {
            for (KeyValue kv : retired) {
                kv.keys().close();
                kv.values().close();
            }
            retired = null;
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
