package dev.basalt.gguf;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A model file's key/value metadata, in file order, with typed accessors. Accessor errors are
 * {@link MetadataException}s naming the file, the key, the type found and the type expected.
 */
public final class Metadata {
    private final String source;
    private final Map<String, MetadataValue> values;

    public Metadata(String source, Map<String, MetadataValue> values) {
        this.source = source;
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** The file these values came from (used in error messages). */
    public String source() {
        return source;
    }

    public Map<String, MetadataValue> asMap() {
        return values;
    }

    public Set<String> keys() {
        return values.keySet();
    }

    public boolean has(String key) {
        return values.containsKey(key);
    }

    public Optional<MetadataValue> find(String key) {
        return Optional.ofNullable(values.get(key));
    }

    /** @throws MetadataException when the key is absent */
    public MetadataValue get(String key) {
        MetadataValue v = values.get(key);
        if (v == null) {
            throw new MetadataException(source, key, "missing");
        }
        return v;
    }

    public String getString(String key) {
        return (String) expect(key, GgufValueType.STRING).value();
    }

    public String getString(String key, String fallback) {
        return has(key) ? getString(key) : fallback;
    }

    public boolean getBoolean(String key) {
        return (Boolean) expect(key, GgufValueType.BOOL).value();
    }

    public boolean getBoolean(String key, boolean fallback) {
        return has(key) ? getBoolean(key) : fallback;
    }

    /** Any integer type whose value is in long range (UINT64 above 2^63-1 is refused). */
    public long getLong(String key) {
        MetadataValue v = get(key);
        if (!v.type().isInteger()) {
            throw mismatch(key, v, "an integer");
        }
        long l = ((Number) v.value()).longValue();
        if (v.type() == GgufValueType.UINT64 && l < 0) {
            throw new MetadataException(source, key, "UINT64 value " + Long.toUnsignedString(l) + " exceeds the signed 64-bit range");
        }
        return l;
    }

    public long getLong(String key, long fallback) {
        return has(key) ? getLong(key) : fallback;
    }

    /** Any integer type whose value fits an int. */
    public int getInt(String key) {
        long l = getLong(key);
        if (l < Integer.MIN_VALUE || l > Integer.MAX_VALUE) {
            throw new MetadataException(source, key, "value " + l + " does not fit a 32-bit int");
        }
        return (int) l;
    }

    public int getInt(String key, int fallback) {
        return has(key) ? getInt(key) : fallback;
    }

    /** FLOAT32 or FLOAT64 (narrowed), or an integer type (converted). */
    public float getFloat(String key) {
        MetadataValue v = get(key);
        return switch (v.type()) {
            case FLOAT32 -> (Float) v.value();
            case FLOAT64 -> ((Double) v.value()).floatValue();
            default -> {
                if (v.type().isInteger()) {
                    yield (float) getLong(key);
                }
                throw mismatch(key, v, "a number");
            }
        };
    }

    public float getFloat(String key, float fallback) {
        return has(key) ? getFloat(key) : fallback;
    }

    public GgufArray getArray(String key) {
        return (GgufArray) expect(key, GgufValueType.ARRAY).value();
    }

    public String[] getStringArray(String key) {
        return (String[]) array(key, GgufValueType.STRING).values();
    }

    /** A FLOAT32 array (the common case: token scores). */
    public float[] getFloatArray(String key) {
        GgufArray a = getArray(key);
        if (a.elementType() == GgufValueType.FLOAT32) {
            return (float[]) a.values();
        }
        if (a.elementType() == GgufValueType.FLOAT64) {
            double[] d = (double[]) a.values();
            float[] f = new float[d.length];
            for (int i = 0; i < d.length; i++) {
                f[i] = (float) d[i];
            }
            return f;
        }
        throw new MetadataException(source, key, "is an array of " + a.elementType() + ", expected FLOAT32");
    }

    /** An array of any integer type whose values all fit an int. */
    public int[] getIntArray(String key) {
        GgufArray a = getArray(key);
        if (a.elementType() == GgufValueType.INT32) {
            return (int[]) a.values();
        }
        if (!a.elementType().isInteger()) {
            throw new MetadataException(source, key, "is an array of " + a.elementType() + ", expected integers");
        }
        int[] out = new int[a.length()];
        for (int i = 0; i < out.length; i++) {
            long l = a.getLong(i);
            if (l < Integer.MIN_VALUE || l > Integer.MAX_VALUE || (a.elementType() == GgufValueType.UINT64 && l < 0)) {
                throw new MetadataException(source, key, "element " + i + " does not fit a 32-bit int");
            }
            out[i] = (int) l;
        }
        return out;
    }

    private GgufArray array(String key, GgufValueType elementType) {
        GgufArray a = getArray(key);
        if (a.elementType() != elementType) {
            throw new MetadataException(source, key, "is an array of " + a.elementType() + ", expected an array of " + elementType);
        }
        return a;
    }

    private MetadataValue expect(String key, GgufValueType type) {
        MetadataValue v = get(key);
        if (v.type() != type) {
            throw mismatch(key, v, type.toString());
        }
        return v;
    }

    private MetadataException mismatch(String key, MetadataValue v, String expected) {
        return new MetadataException(source, key, "is " + v.type() + ", expected " + expected);
    }
}
