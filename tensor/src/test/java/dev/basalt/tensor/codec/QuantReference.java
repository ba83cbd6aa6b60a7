package dev.basalt.tensor.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.basalt.tensor.GgmlType;
import dev.basalt.tensor.TestData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** ggml's quantization reference vectors in ../shared/testdata/quant (layout in its README). */
public final class QuantReference {
    public static final int ROWS = 16;
    public static final int N = 512;

    private static JsonNode manifest;
    private static JsonNode rmse;

    private QuantReference() {
    }

    public static Path dir() {
        return TestData.path("quant");
    }

    public static synchronized JsonNode manifest() {
        if (manifest == null) {
            manifest = readJson(dir().resolve("manifest.json"));
        }
        return manifest;
    }

    /** The 16 x 512 input rows. */
    public static float[] input() {
        return floats(dir().resolve("input.f32"));
    }

    /** ggml's quantized bytes of all 16 rows of {@code type}. */
    public static byte[] quantized(GgmlType type) {
        return bytes(dir().resolve(type.name() + ".bin"));
    }

    /** ggml's dequantization of {@link #quantized}. */
    public static float[] dequantized(GgmlType type) {
        return floats(dir().resolve(type.name() + ".dequant.f32"));
    }

    /** ggml's per-row RMSE between input and its own dequantized output. */
    public static synchronized double[] rmse(GgmlType type) {
        if (rmse == null) {
            rmse = readJson(dir().resolve("rmse.json"));
        }
        JsonNode rows = rmse.get(type.name());
        double[] out = new double[ROWS];
        for (int r = 0; r < ROWS; r++) {
            out[r] = rows.get(r).asDouble();
        }
        return out;
    }

    public static boolean byteIdenticalExpected(GgmlType type) {
        return manifest().get("types").get(type.name()).get("byte_identical_expected").asBoolean();
    }

    public static byte[] bytes(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static float[] floats(Path p) {
        ByteBuffer b = ByteBuffer.wrap(bytes(p)).order(ByteOrder.LITTLE_ENDIAN);
        float[] f = new float[b.remaining() / 4];
        b.asFloatBuffer().get(f);
        return f;
    }

    private static JsonNode readJson(Path p) {
        try {
            return new ObjectMapper().readTree(p.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
