package dev.basalt.kernels.cpu;

import dev.basalt.tensor.compute.Activation;

/** An activation of the CPU backend: a plain heap {@code float[]}. */
public final class CpuActivation implements Activation {
    private final float[] data;

    CpuActivation(int floats) {
        if (floats < 0) {
            throw new IllegalArgumentException("negative activation size " + floats);
        }
        this.data = new float[floats];
    }

    @Override
    public int length() {
        return data.length;
    }

    /** The backing array (not a copy): the CPU backend's kernels work on it directly. */
    public float[] array() {
        return data;
    }
}
