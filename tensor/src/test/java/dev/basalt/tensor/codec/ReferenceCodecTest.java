package dev.basalt.tensor.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.basalt.tensor.GgmlType;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every reference codec against ggml itself: dequantizing ggml's bytes gives ggml's floats bit for bit, and
 * quantizing the input gives ggml's bytes (closed-form formats) or an error no worse than ggml's on every row.
 */
@Tag("testdata")
class ReferenceCodecTest {

    /** Every type the reference folder holds vectors for. */
    static List<GgmlType> referenceTypes() {
        List<GgmlType> types = new ArrayList<>();
        Iterator<String> names = QuantReference.manifest().get("types").fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            GgmlType t = GgmlType.valueOf(name);
            assertEquals(QuantReference.manifest().get("types").get(name).get("ggml_type_id").asInt(), t.id(), name + " id");
            types.add(t);
        }
        return types;
    }

    @Test
    void referenceCoversTheTypesGgmlCanQuantize() {
        assertEquals(29, referenceTypes().size());
    }

    @ParameterizedTest
    @MethodSource("referenceTypes")
    void blockGeometryMatchesGgml(GgmlType type) {
        var m = QuantReference.manifest().get("types").get(type.name());
        assertEquals(m.get("block_size").asInt(), type.blockSize());
        assertEquals(m.get("bytes_per_block").asInt(), type.bytesPerBlock());
        assertEquals(m.get("ggml_type_name").asText(), type.ggmlName());
    }

    @ParameterizedTest
    @MethodSource("referenceTypes")
    void dequantizesGgmlBytesBitExactly(GgmlType type) {
        BlockCodec codec = type.codec();
        MemorySegment bin = MemorySegment.ofArray(QuantReference.quantized(type));
        float[] expected = QuantReference.dequantized(type);
        float[] actual = new float[QuantReference.ROWS * QuantReference.N];
        long rowBytes = type.byteSize(QuantReference.N);
        for (int r = 0; r < QuantReference.ROWS; r++) {
            codec.dequantize(bin, r * rowBytes, actual, r * QuantReference.N, QuantReference.N);
        }
        for (int i = 0; i < actual.length; i++) {
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
                fail(type + " row " + i / QuantReference.N + " element " + i % QuantReference.N + ": expected "
                        + expected[i] + " but was " + actual[i]);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("referenceTypes")
    void quantizesLikeGgml(GgmlType type) {
        BlockCodec codec = type.codec();
        if (!codec.canQuantize()) {
            assertTrue(READ_ONLY.contains(type), type + " must have a quantizer");
            return;
        }
        float[] input = QuantReference.input();
        byte[] expected = QuantReference.quantized(type);
        long rowBytes = type.byteSize(QuantReference.N);
        MemorySegment ours = MemorySegment.ofArray(new byte[expected.length]);
        for (int r = 0; r < QuantReference.ROWS; r++) {
            codec.quantize(input, r * QuantReference.N, QuantReference.N, ours, r * rowBytes);
        }
        byte[] actual = ours.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
        if (QuantReference.byteIdenticalExpected(type) || MUST_BE_BYTE_IDENTICAL.contains(type)) {
            for (int i = 0; i < expected.length; i++) {
                if (expected[i] != actual[i]) {
                    fail(type + " row " + i / rowBytes + " byte " + i % rowBytes + ": expected " + expected[i] + " but was " + actual[i]);
                }
            }
            return;
        }
        // Search-based quantizers: no worse than ggml on every row.
        double[] ggml = QuantReference.rmse(type);
        float[] back = new float[QuantReference.N];
        for (int r = 0; r < QuantReference.ROWS; r++) {
            codec.dequantize(ours, r * rowBytes, back, 0, QuantReference.N);
            double sum = 0;
            for (int i = 0; i < QuantReference.N; i++) {
                double d = (double) input[r * QuantReference.N + i] - back[i];
                sum += d * d;
            }
            double rmse = Math.sqrt(sum / QuantReference.N);
            // 1e-9 relative: the same floats summed in float64 in another order.
            assertTrue(rmse <= ggml[r] * (1 + 1e-9) + 1e-30, type + " row " + r + ": rmse " + rmse + " worse than ggml's " + ggml[r]);
        }
    }

    /** Formats that are only read here (the issue asks for their dequantizers, not their quantizers). */
    static final java.util.Set<GgmlType> READ_ONLY = java.util.EnumSet.of(
            GgmlType.IQ1_S, GgmlType.IQ1_M, GgmlType.IQ2_XXS, GgmlType.IQ2_XS, GgmlType.IQ2_S,
            GgmlType.IQ3_XXS, GgmlType.IQ3_S);

    /** Search formats whose quantizer here reproduces ggml's bytes exactly; kept exact so a regression shows. */
    static final java.util.Set<GgmlType> MUST_BE_BYTE_IDENTICAL = java.util.EnumSet.of(
            GgmlType.Q2_K, GgmlType.Q3_K, GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K, GgmlType.IQ4_NL, GgmlType.IQ4_XS);
}
