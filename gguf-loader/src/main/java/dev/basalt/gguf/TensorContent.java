package dev.basalt.gguf;

import java.lang.foreign.MemorySegment;

/**
 * Produces one tensor's bytes straight into its place in the output file, so a writer never holds more
 * than one tensor (and usually not even that) on the heap.
 */
@FunctionalInterface
public interface TensorContent {

    /** Fills {@code destination}, which is exactly the tensor's byte size and initially zero. */
    void writeTo(MemorySegment destination);

    /** Content copied from existing bytes (for example a tensor view of another file). */
    static TensorContent copyOf(MemorySegment source) {
        return destination -> {
            if (destination.byteSize() != source.byteSize()) {
                throw new IllegalArgumentException("tensor data is " + source.byteSize() + " bytes, expected " + destination.byteSize());
            }
            MemorySegment.copy(source, 0, destination, 0, source.byteSize());
        };
    }
}
