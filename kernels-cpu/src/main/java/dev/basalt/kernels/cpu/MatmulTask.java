package dev.basalt.kernels.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * One matrix product {@code y[t][r] = W[r] · x[t]} as a reusable {@link WorkerPool.RangeBody} over rows: each
 * thread streams its own contiguous rows, copying them out of the mapping into its own {@code byte[]} first.
 *
 * <p>Why the copy: the kernels then read only Java arrays. Code reading a {@code MemorySegment} is compiled for
 * the segment classes and access profiles the JVM has seen so far, and other code in the process using segments
 * differently makes that code slower, for good (measured on a 1B Q4_0 model: decode fell from 10.7 to 6.4
 * tokens/s once llama.cpp had been loaded through FFM in the same JVM, before or after Basalt's first token). With
 * the copy, decode measures the same in both cases.
 *
 * <p>Prefill is tiled: a block of {@link #ROW_BLOCK} rows (small enough to stay in the L1/L2 cache) meets the
 * tokens {@link RowKernel#TILE} at a time, so each weight block is decoded once per four tokens and read from
 * memory once per product. A caller reuses one task for all its products ({@link #set}), so dispatch allocates
 * nothing.
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
        if (tokens < RowKernel.TILE) {
            decodeRows(from, to, ds);
            return;
        }
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

    /**
     * Fewer tokens than a tile (decode): each row is used once per token, so rows are copied one at a time, to keep
     * the processor's stream prefetcher, which runs ahead of each copy, fetching the next row while this one is
     * computed.
     */
    private void decodeRows(int from, int to, DotScratch ds) {
        byte[] w = ds.weights(rowBytes);
        for (int r = from; r < to; r++) {
            MemorySegment.copy(data, ValueLayout.JAVA_BYTE, (long) r * rowBytes, w, 0, rowBytes);
            for (int t = 0; t < tokens; t++) {
                y[t * rows + r] = kernel.dot(w, 0, cols, x[t], ds);
            }
        }
    }
}
