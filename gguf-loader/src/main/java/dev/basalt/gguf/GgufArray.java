package dev.basalt.gguf;

import java.lang.reflect.Array;

/**
 * A GGUF metadata array, kept as one primitive Java array (a 150k-entry vocabulary stays compact):
 * (U)INT8 as byte[], (U)INT16 short[], (U)INT32 int[], (U)INT64 long[], FLOAT32 float[], FLOAT64 double[],
 * BOOL boolean[], STRING String[], nested ARRAY GgufArray[]. Unsigned values keep their bits; the accessors
 * widen them without sign.
 */
public record GgufArray(GgufValueType elementType, Object values) {

    public GgufArray {
        Class<?> expected = javaArrayClass(elementType);
        if (values == null || values.getClass() != expected) {
            throw new IllegalArgumentException(elementType + " array needs a " + expected.getSimpleName()
                    + ", got " + (values == null ? "null" : values.getClass().getSimpleName()));
        }
    }

    static Class<?> javaArrayClass(GgufValueType t) {
        return switch (t) {
            case UINT8, INT8 -> byte[].class;
            case UINT16, INT16 -> short[].class;
            case UINT32, INT32 -> int[].class;
            case UINT64, INT64 -> long[].class;
            case FLOAT32 -> float[].class;
            case FLOAT64 -> double[].class;
            case BOOL -> boolean[].class;
            case STRING -> String[].class;
            case ARRAY -> GgufArray[].class;
        };
    }

    public static GgufArray ofStrings(String... values) {
        return new GgufArray(GgufValueType.STRING, values);
    }

    public static GgufArray ofFloats(float... values) {
        return new GgufArray(GgufValueType.FLOAT32, values);
    }

    public static GgufArray ofInts(int... values) {
        return new GgufArray(GgufValueType.INT32, values);
    }

    public int length() {
        return Array.getLength(values);
    }

    /** Element {@code i} boxed: Integer, Long, Float, Double, Boolean, String or GgufArray (for display). */
    public Object get(int i) {
        return switch (elementType) {
            case UINT8 -> ((byte[]) values)[i] & 0xFF;
            case UINT16 -> ((short[]) values)[i] & 0xFFFF;
            case UINT32 -> ((int[]) values)[i] & 0xFFFFFFFFL;
            case UINT64 -> Long.toUnsignedString(((long[]) values)[i]);
            default -> Array.get(values, i);
        };
    }

    /** Element {@code i} as a long (integer element types only; UINT64 above 2^63 comes back negative). */
    public long getLong(int i) {
        return switch (elementType) {
            case UINT8 -> ((byte[]) values)[i] & 0xFF;
            case INT8 -> ((byte[]) values)[i];
            case UINT16 -> ((short[]) values)[i] & 0xFFFF;
            case INT16 -> ((short[]) values)[i];
            case UINT32 -> ((int[]) values)[i] & 0xFFFFFFFFL;
            case INT32 -> ((int[]) values)[i];
            case UINT64, INT64 -> ((long[]) values)[i];
            default -> throw new IllegalStateException(elementType + " array has no integer elements");
        };
    }

    /** Element {@code i} as a double (numeric element types only). */
    public double getDouble(int i) {
        return switch (elementType) {
            case FLOAT32 -> ((float[]) values)[i];
            case FLOAT64 -> ((double[]) values)[i];
            case UINT64 -> unsignedToDouble(((long[]) values)[i]);
            default -> getLong(i);
        };
    }

    private static double unsignedToDouble(long v) {
        return v >= 0 ? v : (double) (v >>> 1) * 2.0 + (v & 1);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GgufArray a && a.elementType == elementType
                && java.util.Objects.deepEquals(new Object[] {values}, new Object[] {a.values});
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.deepHashCode(new Object[] {elementType, values});
    }

    @Override
    public String toString() {
        return elementType + "[" + length() + "]";
    }
}
