package dev.basalt.benchmarks;

import dev.basalt.gguf.GgufArray;
import dev.basalt.gguf.GgufWriter;
import dev.basalt.gguf.MetadataValue;
import dev.basalt.tensor.GgmlType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A random-weight {@code bert} embedding model in the layout llama.cpp's converter writes (token, token-type and
 * position embeddings, embedding LayerNorm, post-norm blocks with biases, CLS pooling), with a small WordPiece
 * vocabulary of {@link #WORDS}: for throughput measurements, where only the shapes matter. Matrices in
 * {@code matrixType} (F16 as llama.cpp's F16 conversion; F32), embeddings and 1-D tensors F32.
 *
 * @param dim width (768 for BERT-base)
 * @param layers blocks (12 for BERT-base)
 * @param heads attention heads (12 for BERT-base)
 * @param ffn feed-forward width (3072 for BERT-base)
 * @param context positions (512 for BERT-base)
 */
public record SyntheticBert(int dim, int layers, int heads, int ffn, int context, GgmlType matrixType) {

    /** BERT-base: 768 wide, 12 layers, 12 heads, FFN 3072, 512 positions (bge-base, e5-base, all-mpnet shapes). */
    public static SyntheticBert base(GgmlType matrixType) {
        return new SyntheticBert(768, 12, 12, 3072, 512, matrixType);
    }

    /** The words of the vocabulary (each also spelled out letter by letter through the single-letter tokens). */
    public static final List<String> WORDS = List.of("the", "of", "and", "to", "in", "is", "was", "for", "on", "that",
            "with", "as", "by", "at", "from", "his", "her", "it", "an", "are", "were", "which", "this", "be", "or",
            "has", "had", "first", "new", "one", "two", "city", "capital", "river", "model", "data", "search", "query",
            "document", "paris", "france", "berlin", "water", "energy", "system", "network", "language", "vector");

    private static final String[] SPECIALS = {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"};
    private static final int CONTROL = 3;
    private static final int NORMAL = 1;

    /** Writes the model to {@code out}; the same seed gives the same bytes. */
    public void write(Path out, long seed) throws IOException {
        List<String> tokens = new ArrayList<>(List.of(SPECIALS));
        for (String w : WORDS) {
            tokens.add("\u2581" + w);
        }
        for (char c = 'a'; c <= 'z'; c++) {
            tokens.add("\u2581" + c);
            tokens.add(String.valueOf(c)); // a continuation piece (BERT's "##c")
        }
        for (char c : ".,!?'-".toCharArray()) {
            tokens.add("\u2581" + c);
        }
        int[] types = new int[tokens.size()];
        for (int i = 0; i < types.length; i++) {
            types[i] = i < SPECIALS.length ? CONTROL : NORMAL;
        }
        GgufWriter w = new GgufWriter();
        String a = "bert.";
        w.put("general.architecture", MetadataValue.string("bert"));
        w.put("general.name", MetadataValue.string("basalt synthetic bert " + dim + "x" + layers + " " + matrixType));
        w.put(a + "context_length", MetadataValue.u32(context));
        w.put(a + "embedding_length", MetadataValue.u32(dim));
        w.put(a + "feed_forward_length", MetadataValue.u32(ffn));
        w.put(a + "block_count", MetadataValue.u32(layers));
        w.put(a + "attention.head_count", MetadataValue.u32(heads));
        w.put(a + "attention.layer_norm_epsilon", MetadataValue.f32(1e-12f));
        w.put(a + "attention.causal", MetadataValue.bool(false));
        w.put(a + "pooling_type", MetadataValue.u32(2)); // CLS
        w.put("tokenizer.ggml.model", MetadataValue.string("bert"));
        w.put("tokenizer.ggml.tokens", MetadataValue.array(GgufArray.ofStrings(tokens.toArray(String[]::new))));
        w.put("tokenizer.ggml.token_type", MetadataValue.array(GgufArray.ofInts(types)));
        w.put("tokenizer.ggml.token_type_count", MetadataValue.u32(2));
        w.put("tokenizer.ggml.padding_token_id", MetadataValue.u32(0));
        w.put("tokenizer.ggml.unknown_token_id", MetadataValue.u32(1));
        w.put("tokenizer.ggml.bos_token_id", MetadataValue.u32(2));
        w.put("tokenizer.ggml.seperator_token_id", MetadataValue.u32(3));
        w.put("tokenizer.ggml.eos_token_id", MetadataValue.u32(3));
        w.put("tokenizer.ggml.mask_token_id", MetadataValue.u32(4));
        // matrices ~N(0, 0.02²) as BERT's initialization; norm weights near 1; small biases
        Tensors t = new Tensors(w, seed);
        t.add("token_embd.weight", matrixType, 0.02, 0, dim, tokens.size());
        t.add("token_types.weight", GgmlType.F32, 0.02, 0, dim, 2);
        t.add("position_embd.weight", GgmlType.F32, 0.02, 0, dim, context);
        t.norm("token_embd_norm", dim);
        for (int l = 0; l < layers; l++) {
            String b = "blk." + l + ".";
            for (String m : List.of("attn_q", "attn_k", "attn_v", "attn_output")) {
                t.add(b + m + ".weight", matrixType, 0.02, 0, dim, dim);
                t.add(b + m + ".bias", GgmlType.F32, 0.02, 0, dim);
            }
            t.norm(b + "attn_output_norm", dim);
            t.add(b + "ffn_up.weight", matrixType, 0.02, 0, dim, ffn);
            t.add(b + "ffn_up.bias", GgmlType.F32, 0.02, 0, ffn);
            t.add(b + "ffn_down.weight", matrixType, 0.02, 0, ffn, dim);
            t.add(b + "ffn_down.bias", GgmlType.F32, 0.02, 0, dim);
            t.norm(b + "layer_output_norm", dim);
        }
        w.write(out);
    }

    /** Adds Gaussian tensors, each from its own seed, encoded by the reference codec when the file is written. */
    private static final class Tensors {
        private final GgufWriter writer;
        private long nextSeed;

        Tensors(GgufWriter writer, long seed) {
            this.writer = writer;
            this.nextSeed = seed;
        }

        void add(String name, GgmlType type, double sigma, double mean, long... shape) {
            long tensorSeed = nextSeed++;
            writer.tensor(name, type, shape, destination -> {
                SplittableRandom random = new SplittableRandom(tensorSeed);
                int rowLength = (int) shape[0];
                float[] row = new float[rowLength];
                long rows = shape.length > 1 ? shape[1] : 1;
                long rowBytes = type.byteSize(rowLength);
                for (long r = 0; r < rows; r++) {
                    for (int i = 0; i < rowLength; i++) {
                        row[i] = (float) (mean + sigma * random.nextGaussian());
                    }
                    type.codec().quantize(row, 0, rowLength, destination, r * rowBytes);
                }
            });
        }

        void norm(String prefix, int dim) {
            add(prefix + ".weight", GgmlType.F32, 0.1, 1, dim);
            add(prefix + ".bias", GgmlType.F32, 0.02, 0, dim);
        }
    }
}
