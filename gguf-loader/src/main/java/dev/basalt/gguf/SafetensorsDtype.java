package dev.basalt.gguf;

import dev.basalt.tensor.GgmlType;

/** The element types a safetensors header may name, with their sizes and ggml equivalents. */
public enum SafetensorsDtype {
    F64(8, GgmlType.F64),
    F32(4, GgmlType.F32),
    F16(2, GgmlType.F16),
    BF16(2, GgmlType.BF16),
    I64(8, GgmlType.I64),
    I32(4, GgmlType.I32),
    I16(2, GgmlType.I16),
    I8(1, GgmlType.I8),
    U64(8, null),
    U32(4, null),
    U16(2, null),
    U8(1, null),
    BOOL(1, null),
    F8_E4M3(1, null),
    F8_E5M2(1, null);

    private final int bytes;
    private final GgmlType ggmlType;

    SafetensorsDtype(int bytes, GgmlType ggmlType) {
        this.bytes = bytes;
        this.ggmlType = ggmlType;
    }

    public int bytes() {
        return bytes;
    }

    /** The ggml type with the same bytes, or null when ggml has none (unsigned integers, bool, fp8). */
    public GgmlType ggmlType() {
        return ggmlType;
    }

    /** The dtype named {@code name} exactly as safetensors spells it, or null. */
    public static SafetensorsDtype fromName(String name) {
        for (SafetensorsDtype d : values()) {
            if (d.name().equals(name)) {
                return d;
            }
        }
        return null;
    }
}
