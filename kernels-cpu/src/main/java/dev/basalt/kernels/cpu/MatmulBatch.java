package dev.basalt.kernels.cpu;

/**
 * Several matrix products over the same input as one {@link WorkerPool.RangeBody}: their rows are numbered one
 * after the other, and a range of that numbering runs the overlapping rows of each product ({@link MatmulTask}).
 * Decode's Q/K/V (or gate/up) products then cost one hand-off to the threads instead of three (or two), and the
 * threads' chunks balance over all of them. Reused per calling thread; grows only when a call has more products.
 */
final class MatmulBatch implements WorkerPool.RangeBody {
    private MatmulTask[] parts = {new MatmulTask()};
    /** First row of part p in the joint numbering; {@code starts[count]} is the total. */
    private int[] starts = new int[2];
    private int count;

    /** Part {@code p} of the next run, to be {@link MatmulTask#set}; parts 0 .. p-1 stay as they are. */
    MatmulTask part(int p) {
        if (p >= parts.length) {
            MatmulTask[] grown = java.util.Arrays.copyOf(parts, p + 1);
            for (int i = parts.length; i <= p; i++) {
                grown[i] = new MatmulTask();
            }
            parts = grown;
            starts = new int[p + 2];
        }
        return parts[p];
    }

    /** Uses parts 0 .. count-1 (each already set) and returns their total rows. */
    int prepare(int count) {
        this.count = count;
        for (int p = 0; p < count; p++) {
            starts[p + 1] = starts[p] + parts[p].rows();
        }
        return starts[count];
    }

    void clear() {
        for (int p = 0; p < count; p++) {
            parts[p].clear();
        }
        count = 0;
    }

    @Override
    public void run(int from, int to) {
        for (int p = 0; p < count; p++) {
            int lo = Math.max(from, starts[p]);
            int hi = Math.min(to, starts[p + 1]);
            if (lo < hi) {
                parts[p].run(lo - starts[p], hi - starts[p]);
            }
        }
    }
}
