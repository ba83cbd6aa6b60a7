package dev.basalt.tensor.codec;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Unaligned little-endian field access: ggml's block structs are packed and little-endian. The same reads are
 * offered on a {@code byte[]}, for the matrix kernels, which copy weight rows out of the mapping first.
 */
public final class LittleEndian {
    public static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private static final VarHandle SHORT_IN_ARRAY = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT_IN_ARRAY = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG_IN_ARRAY = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle FLOAT_IN_ARRAY = MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.LITTLE_ENDIAN);

    private LittleEndian() {
    }

    public static int u8(byte[] a, int offset) {
        return a[offset] & 0xFF;
    }

    public static int u16(byte[] a, int offset) {
        return (short) SHORT_IN_ARRAY.get(a, offset) & 0xFFFF;
    }

    public static int i32(byte[] a, int offset) {
        return (int) INT_IN_ARRAY.get(a, offset);
    }

    public static long i64(byte[] a, int offset) {
        return (long) LONG_IN_ARRAY.get(a, offset);
    }

    public static float f32(byte[] a, int offset) {
        return (float) FLOAT_IN_ARRAY.get(a, offset);
    }

    /** An IEEE binary16 field widened to float (exact). */
    public static float f16(byte[] a, int offset) {
        return Float.float16ToFloat((short) SHORT_IN_ARRAY.get(a, offset));
    }

    public static int u8(MemorySegment s, long offset) {
        return s.get(ValueLayout.JAVA_BYTE, offset) & 0xFF;
    }

    public static byte i8(MemorySegment s, long offset) {
        return s.get(ValueLayout.JAVA_BYTE, offset);
    }

    public static void putI8(MemorySegment s, long offset, int v) {
        s.set(ValueLayout.JAVA_BYTE, offset, (byte) v);
    }

    public static int u16(MemorySegment s, long offset) {
        return s.get(SHORT, offset) & 0xFFFF;
    }

    public static void putU16(MemorySegment s, long offset, int v) {
        s.set(SHORT, offset, (short) v);
    }

    public static int i32(MemorySegment s, long offset) {
        return s.get(INT, offset);
    }

    public static void putI32(MemorySegment s, long offset, int v) {
        s.set(INT, offset, v);
    }

    public static float f32(MemorySegment s, long offset) {
        return s.get(FLOAT, offset);
    }

    public static void putF32(MemorySegment s, long offset, float v) {
        s.set(FLOAT, offset, v);
    }

    /** An IEEE binary16 field widened to float (exact). */
    public static float f16(MemorySegment s, long offset) {
        return Float.float16ToFloat(s.get(SHORT, offset));
    }

    /** Stores {@code v} as IEEE binary16, rounded to nearest, ties to even (as ggml does). */
    public static void putF16(MemorySegment s, long offset, float v) {
        s.set(SHORT, offset, Float.floatToFloat16(v));
    }
}
