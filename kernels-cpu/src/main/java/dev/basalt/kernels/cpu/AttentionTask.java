package dev.basalt.kernels.cpu;

import java.util.Arrays;

/**
 * Causal attention over the KV cache as a reusable {@link WorkerPool.RangeBody} over (token, head) pairs, so heads
 * run in parallel: scores {@code q·k * scale} (then {@code softcap * tanh(s / softcap)} when a soft cap is set, in
 * ggml's order: times 1/softcap, tanh, times softcap), over the last {@code window} positions when a window is set,
 * the softmax as ggml's soft_max (max subtracted, exponentials summed in double, multiplied by 1/sum), and the
 * probability-weighted sum of the values. Query head h reads KV head {@code h / (heads / kvHeads)}.
 */
final class AttentionTask implements WorkerPool.RangeBody {
    private float[] q;
    private float[] keys;
    private float[] values;
    private float[] out;
    private int startPos;
    private int heads;
    private int headDim;
    private int kvDim;
    private int group;
    private int queryDim;
    private float scale;
    private float softcap;
    private float invSoftcap;
    private int window;

    void set(float[] q, float[] keys, float[] values, float[] out, int startPos, int heads, int kvHeads,
            int headDim, int kvDim, int queryDim, float scale, float softcap, int window) {
        this.q = q;
        this.keys = keys;
        this.values = values;
        this.out = out;
        this.startPos = startPos;
        this.heads = heads;
        this.group = heads / kvHeads;
        this.headDim = headDim;
        this.kvDim = kvDim;
        this.queryDim = queryDim;
        this.scale = scale;
        this.softcap = softcap;
        this.invSoftcap = softcap > 0 ? 1.0f / softcap : 0.0f;
        this.window = window;
    }

    /** Drops the references to the caller's arrays once the attention is done. */
    void clear() {
        q = null;
        keys = null;
        values = null;
        out = null;
    }

    @Override
    public void run(int from, int to) {
        DotScratch ds = DotScratch.forThisThread();
        for (int th = from; th < to; th++) {
            int t = th / heads;
            int h = th % heads;
            int pos = startPos + t;
            float[] scores = ds.row(pos + 1);
            int first = window > 0 ? Math.max(0, pos - window + 1) : 0;
            int qOff = t * queryDim + h * headDim;
            int kvOff = (h / group) * headDim;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = first; j <= pos; j++) {
                float s = VectorMath.dot(q, qOff, keys, j * kvDim + kvOff, headDim) * scale;
                if (softcap > 0) {
                    s = softcap * (float) StrictMath.tanh(s * invSoftcap);
                }
                scores[j] = s;
                max = Math.max(max, s);
            }
            double sum = 0;
            for (int j = first; j <= pos; j++) {
                float e = (float) StrictMath.exp(scores[j] - max);
                scores[j] = e;
                sum += e;
            }
            float inv = (float) (1.0 / sum);
            Arrays.fill(out, qOff, qOff + headDim, 0.0f);
            for (int j = first; j <= pos; j++) {
                VectorMath.axpy(scores[j] * inv, values, j * kvDim + kvOff, out, qOff, headDim);
            }
        }
    }
}
