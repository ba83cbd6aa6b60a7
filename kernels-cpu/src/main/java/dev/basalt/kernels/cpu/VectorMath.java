package dev.basalt.kernels.cpu;

import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float32 dot products and axpy with the Vector API ({@link KernelSpecies#FLOAT}), and a scalar path used when the incubator module is not
 * available (or {@code -Dbasalt.cpu.scalar=true}) and for the tails.
 */
final class VectorMath {
    private VectorMath() {
    }

    static final boolean VECTORIZED;
    private static final VectorSpecies<Float> SPECIES;

    static {
        // without --add-modules jdk.incubator.vector the Vector API classes are absent: scalar kernels then
        // the kernels reinterpret loaded bytes as float and short lanes, right on a little-endian machine only
        boolean ok = !Boolean.getBoolean("basalt.cpu.scalar")
                && ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
                && ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
        VECTORIZED = ok;
        SPECIES = ok ? KernelSpecies.FLOAT : null;
    }

    /** {@code sum_i a[aOffset + i] * b[bOffset + i]}. */
    static float dot(float[] a, int aOffset, float[] b, int bOffset, int n) {
        int i = 0;
        float s;
        if (VECTORIZED) {
            VectorSpecies<Float> sp = SPECIES;
            FloatVector acc = FloatVector.zero(sp);
            int bound = sp.loopBound(n);
            for (; i < bound; i += sp.length()) {
                acc = FloatVector.fromArray(sp, a, aOffset + i).fma(FloatVector.fromArray(sp, b, bOffset + i), acc);
            }
            s = KernelSpecies.sumLanes(acc);
        } else {
            s = 0;
        }
        for (; i < n; i++) {
            s += a[aOffset + i] * b[bOffset + i];
        }
        return s;
    }

    /** {@code y[yOffset + i] += alpha * x[xOffset + i]}. */
    static void axpy(float alpha, float[] x, int xOffset, float[] y, int yOffset, int n) {
        int i = 0;
        if (VECTORIZED) {
            VectorSpecies<Float> sp = SPECIES;
            int bound = sp.loopBound(n);
            FloatVector va = FloatVector.broadcast(sp, alpha);
            for (; i < bound; i += sp.length()) {
                FloatVector.fromArray(sp, x, xOffset + i).fma(va, FloatVector.fromArray(sp, y, yOffset + i))
                        .intoArray(y, yOffset + i);
            }
        }
        for (; i < n; i++) {
            y[yOffset + i] += alpha * x[xOffset + i];
        }
    }
}
