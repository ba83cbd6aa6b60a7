package dev.basalt.engine.convert;

/** Told how many bytes of tensor data have been written, of how many; called from the writing thread. */
@FunctionalInterface
public interface ConversionProgress {
    ConversionProgress NONE = (done, total) -> { };

    void update(long doneBytes, long totalBytes);
}
