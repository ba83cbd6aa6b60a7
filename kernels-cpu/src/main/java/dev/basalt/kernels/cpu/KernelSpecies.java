package dev.basalt.kernels.cpu;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector shapes every SIMD kernel uses, fixed once per JVM: the machine's preferred float species, at most
 * {@code -Dbasalt.cpu.vectorBits=128|256|512} bits wide (how the tests run the 128- and 256-bit code paths on a
 * wider machine; a limit above the machine's width changes nothing). They are {@code static final} because the Vector API only compiles to machine
 * vectors when the species is a constant to the JIT; an injected species in an instance field would not be.
 *
 * <p>Quantized weights are decoded 16 elements at a time into a 128-bit {@link ByteVector} ({@link #BYTES}), then
 * widened to {@link #FLOAT_PARTS} float vectors of {@link #FLOAT} lanes each.
 */
final class KernelSpecies {
    private KernelSpecies() {
    }

    /** Elements of weights decoded per step: one 128-bit byte vector. */
    static final int CHUNK = 16;

    static final VectorSpecies<Float> FLOAT;
    static final VectorSpecies<Byte> BYTES = ByteVector.SPECIES_128;
    /** As many int lanes as {@link #FLOAT} (F16 weights are widened through ints). */
    static final VectorSpecies<Integer> INT;
    /** As many short lanes as {@link #FLOAT} (F16 weights are loaded as raw shorts). */
    static final VectorSpecies<Short> HALF;
    /** The bytes of one {@link #FLOAT} vector: F32 weights are loaded as bytes and reinterpreted. */
    static final VectorSpecies<Byte> FLOAT_BYTES;
    /** The bytes of one {@link #HALF} vector. */
    static final VectorSpecies<Byte> HALF_BYTES;
    /** Float lanes per vector: 4, 8 or 16. */
    static final int LANES;
    /** Float vectors per decoded {@link #CHUNK}: 4, 2 or 1. */
    static final int FLOAT_PARTS;

    /** IQ4_NL / IQ4_XS values as a 16-lane lookup table ({@code nibbles.selectFrom(IQ4_TABLE)}). */
    static final ByteVector IQ4_TABLE = ByteVector.fromArray(BYTES, LegacyBlockFormat.IQ4_VALUES, 0);

    private static int parse(String bits) {
        try {
            return Integer.parseInt(bits.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("basalt.cpu.vectorBits must be 128, 256 or 512, got " + bits, e);
        }
    }

    /** Loads the 16 bytes at {@code offset}. */
    static ByteVector bytes(byte[] s, int offset) {
        return ByteVector.fromArray(BYTES, s, offset);
    }

    /** Low nibbles (half 0) or high nibbles (half 1) of the 16 bytes at {@code offset}, as values 0..15. */
    static ByteVector nibbles(byte[] s, int offset, int half) {
        ByteVector v = bytes(s, offset);
        return half == 0 ? v.and((byte) 0x0F) : v.lanewise(VectorOperators.LSHR, 4);
    }

    /**
     * The {@link #LANES} little-endian float32 at byte {@code offset}. Loaded as bytes and reinterpreted in place,
     * which reads them right on the little-endian machines only: {@link VectorMath#VECTORIZED} requires one.
     */
    static FloatVector floats(byte[] s, int offset) {
        return ByteVector.fromArray(FLOAT_BYTES, s, offset).reinterpretAsFloats();
    }

    /** The {@link #LANES} little-endian int16 at byte {@code offset} (as {@link #floats}). */
    static ShortVector shorts(byte[] s, int offset) {
        return ByteVector.fromArray(HALF_BYTES, s, offset).reinterpretAsShorts();
    }

    /**
     * Part {@code part} (0 .. FLOAT_PARTS-1) of 16 bytes as unsigned int lanes: the int-lane decode of the
     * one-token kernels takes several fields (nibbles, high bits) from each byte there, x86 having no byte shifts.
     */
    static IntVector unsignedInts(ByteVector bytes, int part) {
        return (IntVector) bytes.convertShape(VectorOperators.ZERO_EXTEND_B2I, INT, part);
    }

    /** Small integers as floats (exact). */
    static FloatVector toFloats(IntVector v) {
        return (FloatVector) v.convert(VectorOperators.I2F, 0);
    }

    /** Float vector {@code part} (0 .. FLOAT_PARTS-1) of a decoded chunk: its small integers as floats. */
    static FloatVector widen(ByteVector chunk, int part) {
        return (FloatVector) chunk.convertShape(VectorOperators.B2F, FLOAT, part);
    }

    /**
     * The lanes added in lane order. Not {@code reduceLanes(ADD)}: its order is unspecified and differs between
     * the interpreted fallback and the compiled intrinsic, which would make the same call give different bits
     * before and after warm-up.
     */
    static float sumLanes(FloatVector v) {
        float s = 0;
        for (int i = 0; i < v.length(); i++) {
            s += v.lane(i);
        }
        return s;
    }

    /**
     * {@link #sumLanes(FloatVector)} through {@code lanes} (at least {@link #LANES} long): the vector is stored
     * and the array summed, where reading lane by lane needs the JIT to unroll the loop, which it stops doing in
     * the large kernel methods, and then boxes the vector on the heap for every call.
     */
    static float sumLanes(FloatVector v, float[] lanes) {
        v.intoArray(lanes, 0);
        float s = 0;
        for (int i = 0; i < LANES; i++) {
            s += lanes[i];
        }
        return s;
    }

    static {
        int preferred = FloatVector.SPECIES_PREFERRED.vectorBitSize();
        String requested = System.getProperty("basalt.cpu.vectorBits");
        int bits = preferred;
        if (requested != null && !requested.isBlank()) {
            bits = parse(requested);
            if (bits != 128 && bits != 256 && bits != 512) {
                throw new IllegalArgumentException("basalt.cpu.vectorBits must be 128, 256 or 512, got " + requested);
            }
            bits = Math.min(bits, preferred);
        }
        VectorShape shape = VectorShape.forBitSize(bits);
        FLOAT = VectorSpecies.of(float.class, shape);
        INT = VectorSpecies.of(int.class, shape);
        HALF = VectorSpecies.of(short.class, VectorShape.forBitSize(bits / 2));
        FLOAT_BYTES = VectorSpecies.of(byte.class, shape);
        HALF_BYTES = VectorSpecies.of(byte.class, VectorShape.forBitSize(bits / 2));
        LANES = FLOAT.length();
        FLOAT_PARTS = CHUNK / LANES;
    }
}
