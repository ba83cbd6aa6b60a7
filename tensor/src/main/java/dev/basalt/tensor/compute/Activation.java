package dev.basalt.tensor.compute;

/**
 * A float32 buffer that lives where the backend computes (the Java heap for the CPU, device memory for a GPU).
 * The forward pass only passes these between backend operations; it reads values back with
 * {@link Backend#read} where it needs them on the host (the logits).
 */
public interface Activation {

    /** Capacity in floats. */
    int length();
}
