package dev.basalt.tensor.codec;

/**
 * ggml's {@code make_qx_quants} as the Q6_K reference quantizer calls it ({@code rmse_type = 1}, no importance
 * weights): fits x ~ scale * q with signed q in -nmax..nmax-1, weighting each element by x^2. It starts from
 * the scale that maps the largest-magnitude value to -nmax, then tries the 18 inverse scales
 * -(nmax + 0.1*is) / max, is = -9..9 without 0, and keeps a candidate when it raises sum(w x q)^2 / sum(w q^2)
 * strictly (first one wins on ties). float32 throughout, in ggml's order.
 */
final class SymmetricScaleSearch {
    /** ggml's GROUP_MAX_EPS: below this absmax a group is treated as all zeros. */
    static final float GROUP_MAX_EPS = 1e-15f;

    private SymmetricScaleSearch() {
    }

    /**
     * Writes q + nmax (0..2*nmax-1) to {@code L[lOff .. lOff+n)} and returns the scale. An all-zero group writes
     * 0 (not nmax) and returns 0, as ggml does.
     */
    static float fit(int n, int nmax, float[] x, int xOff, int[] L, int lOff) {
        float max = 0;
        float amax = 0;
        for (int i = 0; i < n; i++) {
            float ax = Math.abs(x[xOff + i]);
            if (ax > amax) {
                amax = ax;
                max = x[xOff + i];
            }
        }
        if (amax < GROUP_MAX_EPS) {
            for (int i = 0; i < n; i++) {
                L[lOff + i] = 0;
            }
            return 0f;
        }
        float iscale = -nmax / max;
        float sumlx = 0;
        float suml2 = 0;
        for (int i = 0; i < n; i++) {
            float xi = x[xOff + i];
            int l = clamp(GgmlRound.nearestEven(iscale * xi), nmax);
            L[lOff + i] = l + nmax;
            float w = xi * xi;
            sumlx += w * xi * l;
            suml2 += w * l * l;
        }
        float scale = suml2 != 0 ? sumlx / suml2 : 0f;
        float best = scale * sumlx;
        for (int is = -9; is <= 9; is++) {
            if (is == 0) {
                continue;
            }
            iscale = -(nmax + 0.1f * is) / max;
            sumlx = 0;
            suml2 = 0;
            for (int i = 0; i < n; i++) {
                float xi = x[xOff + i];
                int l = clamp(GgmlRound.nearestEven(iscale * xi), nmax);
                float w = xi * xi;
                sumlx += w * xi * l;
                suml2 += w * l * l;
            }
            if (suml2 > 0 && sumlx * sumlx > best * suml2) {
                for (int i = 0; i < n; i++) {
                    L[lOff + i] = nmax + clamp(GgmlRound.nearestEven(iscale * x[xOff + i]), nmax);
                }
                scale = sumlx / suml2;
                best = scale * sumlx;
            }
        }
        return scale;
    }

    private static int clamp(int l, int nmax) {
        return Math.max(-nmax, Math.min(nmax - 1, l));
    }
}
