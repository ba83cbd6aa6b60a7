package dev.basalt.benchmarks;

import dev.basalt.engine.convert.QuantizationRecipe;
import dev.basalt.gguf.GgufWriter;
import dev.basalt.gguf.MetadataValue;
import dev.basalt.gguf.TensorContent;
import dev.basalt.tensor.GgmlType;
import dev.basalt.tensor.codec.BlockCodec;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes a random-weight Llama model of a real {@link ModelShape} as GGUF, so that anyone can measure Basalt and
 * llama.cpp on the cost of a real model without downloading one. The weights are Gaussian with the scales of
 * {@code testdata/models/synthetic-llama-*} (so activations stay finite and the model produces some text), drawn
 * from a {@link SplittableRandom} seeded per tensor chunk, and quantized with the reference codecs of the
 * {@code tensor} module: the same arguments give the same bytes on any number of threads.
 *
 * <p>Memory stays bounded: tensors are produced chunk by chunk (about 256 Ki values) straight into the mapped
 * output file, a few chunks in flight per thread.
 */
public final class SyntheticModel {
    private static final int CHUNK_VALUES = 1 << 18;

    private final ModelShape shape;
    private final QuantizationRecipe format;
    private final Llama3Vocabulary vocabulary;
    private final long seed;

    /** One tensor: GGUF name, ggml shape (row length first), type, and the Gaussian its values come from. */
    record Weight(String name, long[] shape, GgmlType type, double mean, double std) {
        long rows() {
            return shape.length == 1 ? 1 : shape[1];
        }

        long byteSize() {
            return type.byteSize(shape[0] * rows());
        }
    }

    public SyntheticModel(ModelShape shape, QuantizationRecipe format, Llama3Vocabulary vocabulary, long seed) {
        if (vocabulary.size() != shape.vocabSize()) {
            throw new IllegalArgumentException("shape " + shape.name() + " needs " + shape.vocabSize() + " tokens, the "
                    + "vocabulary has " + vocabulary.size());
        }
        this.shape = shape;
        this.format = format;
        this.vocabulary = vocabulary;
        this.seed = seed;
        for (Weight w : weights()) {
            if (w.shape[0] % w.type.blockSize() != 0) {
                throw new IllegalArgumentException(w.name + " has rows of " + w.shape[0] + " values, not whole "
                        + w.type + " blocks of " + w.type.blockSize());
            }
        }
    }

    /** The tensors in file order, with their types and the scales of the synthetic-llama recipe. */
    List<Weight> weights() {
        ModelShape s = shape;
        double e = s.dim();
        List<Weight> list = new ArrayList<>();
        if (s.ropeScalingFactor() > 0) {
            list.add(new Weight("rope_freqs.weight", new long[] {s.headDim() / 2}, GgmlType.F32, 0, 0));
        }
        list.add(weight("token_embd.weight", s.dim(), s.vocabSize(), s.tied() ? 0.1 : 1.0));
        for (int l = 0; l < s.layers(); l++) {
            String p = "blk." + l + ".";
            list.add(new Weight(p + "attn_norm.weight", new long[] {s.dim()}, GgmlType.F32, 1, 0.1));
            list.add(weight(p + "attn_q.weight", s.dim(), s.dim(), 1.3 / Math.sqrt(e)));
            list.add(weight(p + "attn_k.weight", s.dim(), s.kvDim(), 1.3 / Math.sqrt(e)));
            list.add(weight(p + "attn_v.weight", s.dim(), s.kvDim(), 1 / Math.sqrt(e)));
            list.add(weight(p + "attn_output.weight", s.dim(), s.dim(), 1 / Math.sqrt(e)));
            list.add(new Weight(p + "ffn_norm.weight", new long[] {s.dim()}, GgmlType.F32, 1, 0.1));
            list.add(weight(p + "ffn_gate.weight", s.dim(), s.ffn(), 1 / Math.sqrt(e)));
            list.add(weight(p + "ffn_up.weight", s.dim(), s.ffn(), 1 / Math.sqrt(e)));
            list.add(weight(p + "ffn_down.weight", s.ffn(), s.dim(), 1 / Math.sqrt(s.ffn())));
        }
        // With tied embeddings the final norm makes up for token_embd's small scale, as in the recipe.
        double outputNormScale = s.tied() ? 3.5 : 1.0;
        list.add(new Weight("output_norm.weight", new long[] {s.dim()}, GgmlType.F32, outputNormScale,
                0.1 * outputNormScale));
        if (!s.tied()) {
            list.add(weight("output.weight", s.dim(), s.vocabSize(), 4 / Math.sqrt(e)));
        }
        return list;
    }

    private Weight weight(String name, long rowLength, long rows, double std) {
        return new Weight(name, new long[] {rowLength, rows},
                format.typeOf(name, new long[] {rowLength, rows}, shape.layers(), shape.tied()), 0, std);
    }

    /** The bytes of tensor data the file will hold. */
    public long tensorBytes() {
        return weights().stream().mapToLong(Weight::byteSize).sum();
    }

    /**
     * Writes the model to {@code out}, quantizing on {@code threads} threads, with a progress line on the terminal.
     *
     * @return the size of the written file
     */
    public long write(Path out, int threads) throws IOException {
        GgufWriter w = new GgufWriter();
        metadata(w);
        TerminalProgress progress = new TerminalProgress("synth " + shape.name() + " " + format, tensorBytes());
        AtomicLong done = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "basalt-synth");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Weight> weights = weights();
            for (int i = 0; i < weights.size(); i++) {
                Weight t = weights.get(i);
                w.tensor(t.name, t.type, t.shape, content(t, i, pool, 2 * threads, done, progress));
            }
            return w.write(out, bytes -> { });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        } finally {
            pool.shutdownNow();
            progress.finish();
        }
    }

    private void metadata(GgufWriter w) {
        ModelShape s = shape;
        String a = "llama.";
        w.put("general.architecture", MetadataValue.string("llama"));
        w.put("general.name", MetadataValue.string("basalt synthetic " + s.name() + " " + format));
        if (format.fileType() >= 0) {
            w.put("general.file_type", MetadataValue.u32(format.fileType()));
        }
        w.put(a + "vocab_size", MetadataValue.u32(s.vocabSize()));
        w.put(a + "context_length", MetadataValue.u32(s.contextLength()));
        w.put(a + "embedding_length", MetadataValue.u32(s.dim()));
        w.put(a + "block_count", MetadataValue.u32(s.layers()));
        w.put(a + "feed_forward_length", MetadataValue.u32(s.ffn()));
        w.put(a + "attention.head_count", MetadataValue.u32(s.heads()));
        w.put(a + "attention.head_count_kv", MetadataValue.u32(s.kvHeads()));
        w.put(a + "rope.dimension_count", MetadataValue.u32(s.headDim()));
        w.put(a + "rope.freq_base", MetadataValue.f32(s.ropeBase()));
        w.put(a + "attention.layer_norm_rms_epsilon", MetadataValue.f32(1e-5f));
        w.put("general.quantization_version", MetadataValue.u32(2));
        vocabulary.writeTo(w);
    }

    /**
     * Fills one tensor: chunks of whole rows are drawn and quantized on the pool, at most {@code window} at a time,
     * and copied into the mapping in order by the writer's thread (the only one that may touch it).
     */
    private TensorContent content(Weight t, int index, ExecutorService pool, int window, AtomicLong done,
            TerminalProgress progress) {
        return destination -> {
            if (t.name.equals("rope_freqs.weight")) {
                float[] factors = shape.ropeFrequencyFactors();
                GgmlType.F32.codec().quantize(factors, 0, factors.length, destination, 0);
                return;
            }
            long rowLength = t.shape[0];
            long rowsPerChunk = Math.max(1, CHUNK_VALUES / rowLength);
            long rowBytes = t.type.byteSize(rowLength);
            ArrayDeque<Future<MemorySegment>> inFlight = new ArrayDeque<>();
            long offset = 0;
            for (long row = 0, chunk = 0; row < t.rows() || !inFlight.isEmpty(); ) {
                if (row < t.rows() && inFlight.size() < window) {
                    int values = (int) (Math.min(rowsPerChunk, t.rows() - row) * rowLength);
                    long chunkSeed = seed * 0x9E3779B97F4A7C15L + index * 0xBF58476D1CE4E5B9L + chunk;
                    inFlight.add(pool.submit(() -> quantizedChunk(t, values, chunkSeed)));
                    row += rowsPerChunk;
                    chunk++;
                    continue;
                }
                MemorySegment bytes = await(inFlight.removeFirst());
                MemorySegment.copy(bytes, 0, destination, offset, bytes.byteSize());
                offset += bytes.byteSize();
                progress.update(done.addAndGet(bytes.byteSize()), t.name);
            }
            if (offset != t.rows() * rowBytes) {
                throw new IllegalStateException(t.name + ": wrote " + offset + " bytes, expected " + t.rows() * rowBytes);
            }
        };
    }

    /** {@code values} Gaussian draws quantized into a heap segment (a long[] keeps 8-byte alignment for the codec). */
    private static MemorySegment quantizedChunk(Weight t, int values, long chunkSeed) {
        SplittableRandom random = new SplittableRandom(chunkSeed);
        float[] v = new float[values];
        for (int i = 0; i < values; i++) {
            v[i] = (float) (t.mean + t.std * random.nextGaussian());
        }
        long bytes = t.type.byteSize(values);
        MemorySegment out = MemorySegment.ofArray(new long[(int) ((bytes + 7) / 8)]).asSlice(0, bytes);
        BlockCodec codec = t.type.codec();
        codec.quantize(v, 0, values, out, 0);
        return out;
    }

    private static MemorySegment await(Future<MemorySegment> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new InterruptedIOException("interrupted while writing the model"));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    @Override
    public String toString() {
        return shape + ", " + format;
    }
}
