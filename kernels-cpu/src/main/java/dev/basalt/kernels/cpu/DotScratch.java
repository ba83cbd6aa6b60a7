package dev.basalt.kernels.cpu;

import java.lang.foreign.MemorySegment;

/** Per-thread buffers a dot product unpacks one weight block into; never shared between threads. */
final class DotScratch {
    private static final ThreadLocal<DotScratch> PER_THREAD = ThreadLocal.withInitial(DotScratch::new);

    /** The calling thread's scratch. */
    static DotScratch forThisThread() {
        return PER_THREAD.get();
    }

    /** The results of one {@link RowKernel#dotTile}. */
    final float[] tile = new float[RowKernel.TILE];
    /** One vector's lanes ({@link KernelSpecies#sumLanes(jdk.incubator.vector.FloatVector, float[])}). */
    final float[] lanes = new float[16];
    final byte[] quants = new byte[256];
    final int[] scales = new int[16];
    final int[] mins = new int[16];
    /** [0] = d, [1] = dmin (or the legacy formats' min m). */
    final float[] factors = new float[2];
    float[] row = new float[0];
    /** Weight rows copied out of the mapping ({@link MatmulTask}), and the same array as a segment. */
    private byte[] weights = new byte[0];
    private MemorySegment weightsSegment = MemorySegment.ofArray(weights);

    /** At least {@code n} bytes for weight rows; grown by doubling. */
    byte[] weights(int n) {
        if (weights.length < n) {
            weights = new byte[Math.max(n, 2 * weights.length)];
            weightsSegment = MemorySegment.ofArray(weights);
        }
        return weights;
    }

    /** {@code rows} as a segment, for the reference codecs; without allocating when it is {@link #weights}. */
    MemorySegment segmentOf(byte[] rows) {
        return rows == weights ? weightsSegment : MemorySegment.ofArray(rows);
    }

    /** At least {@code n} floats; grown by doubling, so decode's one-longer score row each token allocates nothing. */
    float[] row(int n) {
        if (row.length < n) {
            row = new float[Math.max(n, 2 * row.length)];
        }
        return row;
    }
}
