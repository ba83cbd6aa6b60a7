package dev.basalt.tensor.codec;

/**
 * ggml's {@code make_qkx2_quants}: fits x ~ scale * q - min with unsigned q in 0..nmax to a group of values, the
 * group's own range first, then {@code nstep + 1} candidate inverse scales {@code (rmin + rdelta*is + nmax) / range},
 * each followed by a weighted least-squares solve for (scale, min); the candidate with the lowest weighted error
 * (squared, or absolute with {@code useMad}) wins, the first one on ties. Used by Q2_K, Q4_K and Q5_K.
 *
 * <p>All arithmetic is float32 in ggml's order (sums accumulated element by element), because a different rounding
 * of a sum can flip which candidate wins and so change the bytes.
 */
final class ScaleMinSearch {
    private ScaleMinSearch() {
    }

    /** The fitted scale and the (non-negative) min that is subtracted: x ~ scale * q - min. */
    record Fit(float scale, float min) {
    }

    /**
     * Fits {@code x[xOff .. xOff+n)} with {@code weights[0 .. n)}; writes the quants (0..nmax) to
     * {@code L[lOff .. lOff+n)}.
     */
    static Fit fit(int n, int nmax, float[] x, int xOff, float[] weights, int[] L, int lOff,
            float rmin, float rdelta, int nstep, boolean useMad) {
        float min = x[xOff];
        float max = x[xOff];
        float sumW = weights[0];
        float sumX = sumW * x[xOff];
        for (int i = 1; i < n; i++) {
            float xi = x[xOff + i];
            if (xi < min) {
                min = xi;
            }
            if (xi > max) {
                max = xi;
            }
            float w = weights[i];
            sumW += w;
            sumX += w * xi;
        }
        if (min > 0) {
            min = 0; // the min is only ever subtracted, never added
        }
        if (max == min) {
            for (int i = 0; i < n; i++) {
                L[lOff + i] = 0;
            }
            return new Fit(0f, -min);
        }
        float iscale = nmax / (max - min);
        float scale = 1 / iscale;
        float bestError = 0;
        for (int i = 0; i < n; i++) {
            int l = GgmlRound.nearestEven(iscale * (x[xOff + i] - min));
            L[lOff + i] = Math.max(0, Math.min(nmax, l));
            float diff = scale * L[lOff + i] + min - x[xOff + i];
            diff = useMad ? Math.abs(diff) : diff * diff;
            bestError += weights[i] * diff;
        }
        if (nstep < 1) {
            return new Fit(scale, -min);
        }
        int[] aux = new int[n];
        for (int is = 0; is <= nstep; is++) {
            iscale = (rmin + rdelta * is + nmax) / (max - min);
            float sumL = 0;
            float sumL2 = 0;
            float sumXL = 0;
            for (int i = 0; i < n; i++) {
                int l = GgmlRound.nearestEven(iscale * (x[xOff + i] - min));
                l = Math.max(0, Math.min(nmax, l));
                aux[i] = l;
                float w = weights[i];
                sumL += w * l;
                sumL2 += w * l * l;
                sumXL += w * l * x[xOff + i];
            }
            float det = sumW * sumL2 - sumL * sumL;
            if (det > 0) {
                float thisScale = (sumW * sumXL - sumX * sumL) / det;
                float thisMin = (sumL2 * sumX - sumL * sumXL) / det;
                if (thisMin > 0) {
                    thisMin = 0;
                    thisScale = sumXL / sumL2;
                }
                float error = 0;
                for (int i = 0; i < n; i++) {
                    float diff = thisScale * aux[i] + thisMin - x[xOff + i];
                    diff = useMad ? Math.abs(diff) : diff * diff;
                    error += weights[i] * diff;
                }
                if (error < bestError) {
                    System.arraycopy(aux, 0, L, lOff, n);
                    bestError = error;
                    scale = thisScale;
                    min = thisMin;
                }
            }
        }
        return new Fit(scale, -min);
    }
}
