package dev.basalt.kernels.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * One matrix product {@code y[t][r] = W[r] · x[t]} as a reusable {@link WorkerPool.RangeBody} over rows: each
 * thread streams its own contiguous rows, copying a block of them at a time out of the mapping into its own
 * {@code byte[]}. The kernels then read only Java arrays: code reading a {@code MemorySegment} is compiled for
 * the segment classes the JVM has seen so far, and is deoptimized and recompiled slower once any other code in
 * the process uses another kind of segment (measured: decode of a 1B Q4_0 model fell from 10.7 to 6.5 tokens/s
 * after llama.cpp ran through FFM in the same JVM; with the copy it stays the same). Prefill is tiled: a block of {@link #ROW_BLOCK} rows (small enough to
 * stay in the L1/L2 cache) meets the tokens {@link RowKernel#TILE} at a time, so each weight block is decoded
 * once per four tokens and read from memory once per product. A caller reuses one task for all its products
 * ({@link #set}), so dispatch allocates nothing.
 */
final class MatmulTask implements WorkerPool.RangeBody {
    /** Rows whose weights are reused across all token tiles before moving on (16 rows of 4096 Q8_0 = 70 KB). */
    static final int ROW_BLOCK = 16;

    private RowKernel kernel;
    private MemorySegment data;
    private int rowBytes;
    private int cols;
    private int rows;
    private int tokens;
    private QuantizedVector[] x;
    private float[] y;

    void set(CpuWeightMatrix m, QuantizedVector[] x, int tokens, float[] y) {
        this.kernel = m.kernel;
        this.data = m.data();
        this.rowBytes = Math.toIntExact(m.rowBytes());
        this.cols = m.cols();
        this.rows = m.rows();
        this.tokens = tokens;
        this.x = x;
        this.y = y;
    }

    int rows() {
        return rows;
    }

    /** Drops the references to the caller's arrays and the weights once the product is done. */
    void clear() {
        kernel = null;
        data = null;
        x = null;
        y = null;
    }

    @Override
    public void run(int from, int to) {
        DotScratch ds = DotScratch.forThisThread();
        float[] tile = ds.tile;
        byte[] w = ds.weights(ROW_BLOCK * rowBytes);
        for (int r0 = from; r0 < to; r0 += ROW_BLOCK) {
            int r1 = Math.min(to, r0 + ROW_BLOCK);
            MemorySegment.copy(data, ValueLayout.JAVA_BYTE, (long) r0 * rowBytes, w, 0, (r1 - r0) * rowBytes);
            int t = 0;
            for (; t + RowKernel.TILE <= tokens; t += RowKernel.TILE) {
                for (int r = r0; r < r1; r++) {
                    kernel.dotTile(w, (r - r0) * rowBytes, cols, x[t], x[t + 1], x[t + 2], x[t + 3], tile, ds);
                    for (int k = 0; k < RowKernel.TILE; k++) {
                        y[(t + k) * rows + r] = tile[k];
                    }
                }
            }
            for (; t < tokens; t++) {
                for (int r = r0; r < r1; r++) {
                    y[t * rows + r] = kernel.dot(w, (r - r0) * rowBytes, cols, x[t], ds);
                }
            }
        }
    }
}
