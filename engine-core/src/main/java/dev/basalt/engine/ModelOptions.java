package dev.basalt.engine;

/**
 * How to load a model.
 *
 * @param contextLength default context length of new sessions; 0 = the model's own, capped so that one session's
 *     KV cache fits {@code kvCacheBudgetBytes}
 * @param threads compute threads of the backend; 0 = all available processors
 * @param backend {@code "cpu"}, another {@link dev.basalt.tensor.compute.BackendProvider}'s name found on the class
 *     path (e.g. {@code "opencl"}), or {@code "auto"}: the first GPU backend that can run here, else the CPU
 * @param kvCacheBudgetBytes the most one session's KV cache may take when {@code contextLength} is 0
 * @param device which of the backend's devices to use (0 = its first; see {@code basalt devices})
 */
public record ModelOptions(int contextLength, int threads, String backend, long kvCacheBudgetBytes, int device) {

    /** 1 GiB of KV cache per session by default. */
    public static final long DEFAULT_KV_CACHE_BUDGET = 1L << 30;

    public ModelOptions {
        if (contextLength < 0) {
            throw new IllegalArgumentException("context length must be 0 (model default) or positive, got " + contextLength);
        }
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be 0 (all processors) or positive, got " + threads);
        }
        if (backend == null || backend.isBlank()) {
            throw new IllegalArgumentException("backend must be named, e.g. \"cpu\"");
        }
        if (device < 0) {
            throw new IllegalArgumentException("device number must be 0 or positive, got " + device);
        }
        if (kvCacheBudgetBytes <= 0) {
            throw new IllegalArgumentException("KV cache budget must be positive, got " + kvCacheBudgetBytes);
        }
    }

    public static ModelOptions defaults() {
        return new ModelOptions(0, 0, "cpu", DEFAULT_KV_CACHE_BUDGET, 0);
    }

    public ModelOptions withContextLength(int contextLength) {
        return new ModelOptions(contextLength, threads, backend, kvCacheBudgetBytes, device);
    }

    public ModelOptions withThreads(int threads) {
        return new ModelOptions(contextLength, threads, backend, kvCacheBudgetBytes, device);
    }

    public ModelOptions withBackend(String backend) {
        return new ModelOptions(contextLength, threads, backend, kvCacheBudgetBytes, device);
    }

    public ModelOptions withKvCacheBudget(long bytes) {
        return new ModelOptions(contextLength, threads, backend, bytes, device);
    }

    public ModelOptions withDevice(int device) {
        return new ModelOptions(contextLength, threads, backend, kvCacheBudgetBytes, device);
    }
}
