package dev.basalt.tensor.codec;

/**
 * ggml's {@code make_q3_quants} with {@code do_rmse} (the Q3_K reference quantizer): fits x ~ scale * q with
 * signed q in -nmax..nmax-1, weights x^2. It starts from the absmax scale (largest-magnitude value maps to
 * -nmax) and then, for up to five passes, moves single quants to the value the other elements' least-squares
 * scale suggests, keeping a move only when it strictly raises sum(w x q)^2 / sum(w q^2). The running sums are
 * updated in place, so their float32 rounding depends on the visiting order, which is ggml's.
 */
final class RefinedScaleSearch {
    private RefinedScaleSearch() {
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
        if (amax < SymmetricScaleSearch.GROUP_MAX_EPS) {
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
            L[lOff + i] = l;
            float w = xi * xi;
            sumlx += w * xi * l;
            suml2 += w * l * l;
        }
        for (int pass = 0; pass < 5; pass++) {
            int changed = 0;
            for (int i = 0; i < n; i++) {
                float xi = x[xOff + i];
                int li = L[lOff + i];
                float w = xi * xi;
                float slx = sumlx - w * xi * li;
                if (slx > 0) {
                    float sl2 = suml2 - w * li * li;
                    int newL = clamp(GgmlRound.nearestEven(xi * sl2 / slx), nmax);
                    if (newL != li) {
                        slx += w * xi * newL;
                        sl2 += w * newL * newL;
                        if (sl2 > 0 && slx * slx * suml2 > sumlx * sumlx * sl2) {
                            L[lOff + i] = newL;
                            sumlx = slx;
                            suml2 = sl2;
                            changed++;
                        }
                    }
                }
            }
            if (changed == 0) {
                break;
            }
        }
        for (int i = 0; i < n; i++) {
            L[lOff + i] += nmax;
        }
        return suml2 > 0 ? sumlx / suml2 : 0f;
    }

    private static int clamp(int l, int nmax) {
        return Math.max(-nmax, Math.min(nmax - 1, l));
    }
}
