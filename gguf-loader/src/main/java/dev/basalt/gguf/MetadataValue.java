package dev.basalt.gguf;

/**
 * One typed GGUF metadata value. Scalars are boxed by type: (U)INT8, (U)INT16 and INT32 as Integer; UINT32,
 * (U)INT64 as Long (UINT64 keeps its 64 bits); FLOAT32 Float; FLOAT64 Double; BOOL Boolean; STRING String;
 * ARRAY a {@link GgufArray}.
 */
public record MetadataValue(GgufValueType type, Object value) {

    public MetadataValue {
        Class<?> expected = switch (type) {
            case UINT8, INT8, UINT16, INT16, INT32 -> Integer.class;
            case UINT32, UINT64, INT64 -> Long.class;
            case FLOAT32 -> Float.class;
            case FLOAT64 -> Double.class;
            case BOOL -> Boolean.class;
            case STRING -> String.class;
            case ARRAY -> GgufArray.class;
        };
        if (value == null || value.getClass() != expected) {
            throw new IllegalArgumentException(type + " value needs a " + expected.getSimpleName() + ", got "
                    + (value == null ? "null" : value.getClass().getSimpleName()));
        }
    }

    public static MetadataValue string(String s) {
        return new MetadataValue(GgufValueType.STRING, s);
    }

    public static MetadataValue u32(long v) {
        if (v < 0 || v > 0xFFFFFFFFL) {
            throw new IllegalArgumentException(v + " does not fit UINT32");
        }
        return new MetadataValue(GgufValueType.UINT32, v);
    }

    public static MetadataValue i32(int v) {
        return new MetadataValue(GgufValueType.INT32, v);
    }

    public static MetadataValue u64(long v) {
        return new MetadataValue(GgufValueType.UINT64, v);
    }

    public static MetadataValue f32(float v) {
        return new MetadataValue(GgufValueType.FLOAT32, v);
    }

    public static MetadataValue bool(boolean v) {
        return new MetadataValue(GgufValueType.BOOL, v);
    }

    public static MetadataValue array(GgufArray a) {
        return new MetadataValue(GgufValueType.ARRAY, a);
    }

    /** A short human-readable form; arrays longer than {@code maxElements} are summarized. */
    public String display(int maxElements) {
        if (type == GgufValueType.UINT64) {
            return Long.toUnsignedString((Long) value);
        }
        if (type == GgufValueType.STRING) {
            return quote((String) value, 200);
        }
        if (type != GgufValueType.ARRAY) {
            return String.valueOf(value);
        }
        GgufArray a = (GgufArray) value;
        StringBuilder sb = new StringBuilder().append(a.elementType()).append('[').append(a.length()).append("] [");
        int shown = Math.min(a.length(), maxElements);
        for (int i = 0; i < shown; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            Object e = a.get(i);
            sb.append(e instanceof String s ? quote(s, 40) : e instanceof GgufArray n ? n.toString() : String.valueOf(e));
        }
        if (shown < a.length()) {
            sb.append(", ... ").append(a.length() - shown).append(" more");
        }
        return sb.append(']').toString();
    }

    private static String quote(String s, int max) {
        String shown = s.length() > max ? s.substring(0, max) : s;
        StringBuilder sb = new StringBuilder("\"");
        shown.codePoints().forEach(c -> {
            switch (c) {
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                case '\r' -> sb.append("\\r");
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", c));
                    } else {
                        sb.appendCodePoint(c);
                    }
                }
            }
        });
        sb.append('"');
        if (shown.length() < s.length()) {
            sb.append("... (").append(s.length()).append(" chars)");
        }
        return sb.toString();
    }
}
