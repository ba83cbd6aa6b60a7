package dev.basalt.gguf.manifest;

/**
 * Told how far hashing has come, so a caller can draw a progress bar. Called from the hashing thread after
 * each buffer, so an implementation must be cheap (throttle any output itself).
 */
@FunctionalInterface
public interface HashProgress {
    HashProgress NONE = (done, total) -> { };

    /** {@code done} of {@code total} bytes have been hashed so far, over all the files of one operation. */
    void update(long done, long total);
}
