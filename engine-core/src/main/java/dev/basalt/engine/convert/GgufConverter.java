package dev.basalt.engine.convert;

import dev.basalt.engine.ModelSource;
import dev.basalt.gguf.GgufWriter;
import dev.basalt.gguf.MetadataValue;
import dev.basalt.tensor.GgmlType;
import dev.basalt.tensor.Tensor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Writes any {@link ModelSource} (a Hugging Face folder: {@code basalt convert}; a GGUF file: {@code basalt quantize})
 * as a GGUF file whose tensors have the types a {@link QuantizationRecipe} gives, with the source's metadata
 * ({@code general.file_type} set to the recipe's).
 *
 * <p>Memory stays bounded whatever the model's size: tensors are converted one at a time, straight into the mapped
 * output, in chunks of whole rows (about {@value #CHUNK_VALUES} values per thread) quantized on all cores; the only
 * other memory is a tensor's copy where the source must transform it ({@link dev.basalt.engine.hf.HuggingFaceModel}),
 * freed after that tensor. The file is written under a temporary name beside the target and renamed when complete, so
 * a failed conversion never leaves a partial file under the target's name.
 */
public final class GgufConverter {
    static final int CHUNK_VALUES = 1 << 18;

    private final QuantizationRecipe recipe;
    private final boolean allowRequantize;
    private final int threads;

    /**
     * @param allowRequantize whether an already quantized tensor may be quantized to another type
     * @param threads the quantizing threads (at least 1)
     */
    public GgufConverter(QuantizationRecipe recipe, boolean allowRequantize, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        this.recipe = recipe;
        this.allowRequantize = allowRequantize;
        this.threads = threads;
    }

    /** What was written: the file's size, and the number of tensors of each type. */
    public record Result(long fileBytes, Map<GgmlType, Integer> tensorsPerType) {
    }

    /**
     * Converts {@code source} into {@code out}.
     *
     * @throws RequantizationException before anything is written, when a tensor is already quantized to another type
     *     and re-quantizing is not allowed
     * @throws IOException when the output cannot be written (no file is left under {@code out}'s name)
     */
    public Result convert(ModelSource source, Path out, ConversionProgress progress) throws IOException {
        Map<String, GgmlType> plan = plan(source);
        GgufWriter w = new GgufWriter();
        source.metadata().asMap().forEach(w::put);
        if (recipe.fileType() >= 0) {
            w.put("general.file_type", MetadataValue.u32(recipe.fileType()));
        }
        w.put("general.quantization_version", MetadataValue.u32(2));
        long total = 0;
        Map<GgmlType, Integer> perType = new EnumMap<>(GgmlType.class);
        List<long[]> shapes = new ArrayList<>();
        for (Map.Entry<String, GgmlType> e : plan.entrySet()) {
            long[] shape = source.shape(e.getKey());
            shapes.add(shape);
            total += Tensor.byteSize(e.getValue(), shape);
            perType.merge(e.getValue(), 1, Integer::sum);
        }
        long[] done = {0};
        long totalBytes = total;
        int i = 0;
        for (Map.Entry<String, GgmlType> e : plan.entrySet()) {
            String name = e.getKey();
            GgmlType type = e.getValue();
            w.tensor(name, type, shapes.get(i++), destination -> {
                write(source, name, type, destination, bytes -> progress.update(done[0] += bytes, totalBytes));
            });
        }
        Path target = out.toAbsolutePath();
        Path partial = target.resolveSibling("." + target.getFileName() + ".partial");
        try {
            long size = w.write(partial, bytes -> { });
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            progress.update(totalBytes, totalBytes);
            return new Result(size, perType);
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    /** The type of each tensor, in file order; refuses re-quantizing before anything is written. */
    public Map<String, GgmlType> plan(ModelSource source) {
        int layers = source.metadata().getInt(source.metadata().getString("general.architecture") + ".block_count");
        boolean tied = !source.hasTensor("output.weight");
        Map<String, GgmlType> plan = new LinkedHashMap<>();
        for (String name : source.tensorNames()) {
            GgmlType from = source.type(name);
            GgmlType target = recipe.typeOf(name, source.shape(name), layers, tied);
            if (from.isQuantized() && from != target && !allowRequantize) {
                throw new RequantizationException(source.source(), name, from.toString(), target.toString());
            }
            plan.put(name, target);
        }
        return plan;
    }

    /** One tensor into {@code destination}: copied when the type is kept, else converted chunk by chunk. */
    private void write(ModelSource source, String name, GgmlType type, MemorySegment destination,
            java.util.function.LongConsumer written) {
        try (Arena arena = Arena.ofShared()) {
            Tensor t = source.tensor(name, arena);
            if (t.type() == type) {
                MemorySegment.copy(t.data(), 0, destination, 0, destination.byteSize());
                written.accept(destination.byteSize());
                return;
            }
            long rowLength = t.dim(0);
            long rows = t.elementCount() / rowLength;
            long rowsPerChunk = Math.max(1, CHUNK_VALUES / rowLength);
            long chunks = (rows + rowsPerChunk - 1) / rowsPerChunk;
            long inRow = t.type().byteSize(rowLength);
            long outRow = type.byteSize(rowLength);
            // Batches of one chunk per thread: each thread quantizes into its own heap buffer, then this thread (the
            // only one that may touch the confined output mapping) copies them in order.
            for (long first = 0; first < chunks; first += threads) {
                long batchEnd = Math.min(chunks, first + threads);
                long firstChunk = first;
                List<MemorySegment> parts = IntStream.range(0, (int) (batchEnd - first)).parallel().mapToObj(k -> {
                    long row = (firstChunk + k) * rowsPerChunk;
                    int n = (int) (Math.min(rowsPerChunk, rows - row) * rowLength);
                    float[] values = new float[n];
                    t.type().codec().dequantize(t.data(), row * inRow, values, 0, n);
                    long bytes = type.byteSize(n);
                    MemorySegment part = MemorySegment.ofArray(new long[(int) ((bytes + 7) / 8)]).asSlice(0, bytes);
                    type.codec().quantize(values, 0, n, part, 0);
                    return part;
                }).toList();
                long offset = first * rowsPerChunk * outRow;
                for (MemorySegment part : parts) {
                    MemorySegment.copy(part, 0, destination, offset, part.byteSize());
                    offset += part.byteSize();
                    written.accept(part.byteSize());
                }
            }
        }
    }

    @Override
    public String toString() {
        return "GgufConverter[" + recipe + (allowRequantize ? ", requantize" : "") + ", " + threads + " threads]";
    }
}
