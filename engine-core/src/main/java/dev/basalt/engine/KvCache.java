package dev.basalt.engine;

import dev.basalt.tensor.compute.Activation;
import dev.basalt.tensor.compute.Backend;

/**
 * One session's key and value cache, float32, in backend memory: per layer {@code contextLength} rows of
 * {@code keyDim} keys and of {@code valueDim} values, row p holding position p (keys already rotated).
 */
final class KvCache {
    final Activation[] keys;
    final Activation[] values;
    final int contextLength;

    KvCache(Backend backend, ModelConfig config, int contextLength) {
        // One layer's keys are one activation buffer, so ctx * kvDim must be an int count of floats.
        long perLayer = (long) contextLength * Math.max(config.keyDim(), config.valueDim());
        if (perLayer > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("context length " + contextLength + " is too large: one layer's KV cache"
                    + " would hold " + perLayer + " values (at most " + (Integer.MAX_VALUE - 8) + "); the whole cache would"
                    + " take " + bytesPerPosition(config) * contextLength / (1L << 20) + " MiB");
        }
        this.contextLength = contextLength;
        keys = new Activation[config.blockCount()];
        values = new Activation[config.blockCount()];
        for (int l = 0; l < keys.length; l++) {
            keys[l] = backend.allocate(Math.multiplyExact(contextLength, config.keyDim()));
            values[l] = backend.allocate(Math.multiplyExact(contextLength, config.valueDim()));
        }
    }

    /** Bytes one position takes over all layers. */
    static long bytesPerPosition(ModelConfig config) {
        return (long) config.blockCount() * (config.keyDim() + config.valueDim()) * Float.BYTES;
    }
}
