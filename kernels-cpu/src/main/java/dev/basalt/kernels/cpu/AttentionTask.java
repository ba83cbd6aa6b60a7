package dev.basalt.kernels.cpu;

import java.util.Arrays;

/**
 * Attention as a reusable {@link WorkerPool.RangeBody} over (token, head) pairs, so heads run in parallel: token t
 * attends to the key rows {@code first[t] .. last[t]} (the caller's mask: causal, windowed or per sequence), scores
 * {@code q·k * scale} (then {@code softcap * tanh(s / softcap)} when a soft cap is set, in ggml's order: times
 * 1/softcap, tanh, times softcap), the softmax as ggml's soft_max (max subtracted, exponentials summed in double,
 * multiplied by 1/sum), and the probability-weighted sum of the values. Query head h reads KV head
 * {@code h / (heads / kvHeads)}.
 */
final class AttentionTask implements WorkerPool.RangeBody {
    private float[] q;
    private float[] keys;
    private float[] values;
    private float[] out;
    private int[] first;
    private int[] last;
    private int heads;
    private int headDim;
    private int kvDim;
    private int group;
    private int queryDim;
    private float scale;
    private float softcap;
    private float invSoftcap;

    /** {@code first[t] .. last[t]} (inclusive): the key rows token t attends to. */
    void set(float[] q, float[] keys, float[] values, float[] out, int[] first, int[] last, int heads, int kvHeads,
            int headDim, int kvDim, int queryDim, float scale, float softcap) {
        this.q = q;
        this.keys = keys;
        this.values = values;
        this.out = out;
        this.first = first;
        this.last = last;
        this.heads = heads;
        this.group = heads / kvHeads;
        this.headDim = headDim;
        this.kvDim = kvDim;
        this.queryDim = queryDim;
        this.scale = scale;
        this.softcap = softcap;
        this.invSoftcap = softcap > 0 ? 1.0f / softcap : 0.0f;
    }

    /** Drops the references to the caller's arrays once the attention is done. */
    void clear() {
        q = null;
        keys = null;
        values = null;
        out = null;
        first = null;
        last = null;
    }

    @Override
    public void run(int from, int to) {
        DotScratch ds = DotScratch.forThisThread();
        for (int th = from; th < to; th++) {
            int t = th / heads;
            int h = th % heads;
            int lo = first[t];
            int hi = last[t];
            float[] scores = ds.row(hi + 1);
            int qOff = t * queryDim + h * headDim;
            int kvOff = (h / group) * headDim;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = lo; j <= hi; j++) {
                float s = VectorMath.dot(q, qOff, keys, j * kvDim + kvOff, headDim) * scale;
                if (softcap > 0) {
                    s = softcap * (float) StrictMath.tanh(s * invSoftcap);
                }
                scores[j] = s;
                max = Math.max(max, s);
            }
            double sum = 0;
            for (int j = lo; j <= hi; j++) {
                float e = (float) StrictMath.exp(scores[j] - max);
                scores[j] = e;
                sum += e;
            }
            float inv = (float) (1.0 / sum);
            Arrays.fill(out, qOff, qOff + headDim, 0.0f);
            for (int j = lo; j <= hi; j++) {
                VectorMath.axpy(scores[j] * inv, values, j * kvDim + kvOff, out, qOff, headDim);
            }
        }
    }
}
