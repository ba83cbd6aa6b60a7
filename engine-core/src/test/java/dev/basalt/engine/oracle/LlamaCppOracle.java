package dev.basalt.engine.oracle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A live llama.cpp (build b4916, CPU) on one GGUF file, for comparing Basalt's tokenizer and forward pass with
 * the reference implementation on any file, including ones a test writes itself.
 *
 * <p>Settings are those of the stored references in {@code testdata/models} (see its README): no GPU layers,
 * memory-mapped weights, K and V cache in float32, flash attention off, one thread (unless opened with more), one
 * sequence, {@code n_ctx = n_batch = n_ubatch}. A prompt is decoded as one batch with logits at every position; each
 * further token is decoded alone at the next position. Greedy choice is the argmax of the raw logits, ties to
 * the lowest id.
 *
 * <p>Not thread-safe: one oracle is used by one thread at a time. Close it to free llama.cpp's model and context.
 *
 * <p>Never wraps a Java array as a segment ({@code allocateFrom}, {@code toArray} and {@code ofArray} do): the first
 * array-backed segment of a kind the JVM sees invalidates the compiled code of every method that assumed native
 * segments were the only kind, Basalt's kernels among them, and their recompiled code is slower (measured: decode of
 * a 1B Q4_0 model from 10.7 to 6.4 tokens/s after one llama.cpp decode in the same JVM). The side-by-side benchmark
 * would then compare llama.cpp with a Basalt it slowed down itself.
 */
public final class LlamaCppOracle implements AutoCloseable {

    /**
     * The result of {@link #run}: the prompt's logits, the greedily generated ids, and the logits after each
     * generated token was decoded. {@code stepLogits[j]} is computed with {@code generatedIds[j]} as input, so
     * {@code generatedIds[k] = argmax(k == 0 ? promptLogits[last] : stepLogits[k - 1])}, and the last step's
     * logits predict a token that was not generated.
     */
    public record Greedy(int[] promptIds, float[][] promptLogits, int[] generatedIds, float[][] stepLogits) {

        /**
         * All rows in the layout of the reference {@code .f32} files: row {@code r} holds the logits at sequence
         * position {@code r} of {@code promptIds ++ generatedIds}.
         */
        public float[][] rows() {
            float[][] rows = Arrays.copyOf(promptLogits, promptLogits.length + stepLogits.length);
            System.arraycopy(stepLogits, 0, rows, promptLogits.length, stepLogits.length);
            return rows;
        }

        /** The index of the largest value; ties go to the lowest index. */
        public static int argmax(float[] logits) {
            int best = 0;
            for (int i = 1; i < logits.length; i++) {
                if (logits[i] > logits[best]) {
                    best = i;
                }
            }
            return best;
        }
    }

    private static final VarHandle MODEL_N_GPU_LAYERS = LlamaCppStructs.field(LlamaCppStructs.MODEL_PARAMS, "n_gpu_layers");
    private static final VarHandle MODEL_USE_MMAP = LlamaCppStructs.field(LlamaCppStructs.MODEL_PARAMS, "use_mmap");
    private static final VarHandle MODEL_VOCAB_ONLY = LlamaCppStructs.field(LlamaCppStructs.MODEL_PARAMS, "vocab_only");

    private static final VarHandle CTX_N_CTX = LlamaCppStructs.field(LlamaCppStructs.CONTEXT_PARAMS, "n_ctx");
    private static final VarHandle CTX_N_BATCH = LlamaCppStructs.field(LlamaCppStructs.CONTEXT_PARAMS, "n_batch");
    private static final VarHandle CTX_N_UBATCH = LlamaCppStructs.field(LlamaCppStructs.CONTEXT_PARAMS, "n_ubatch");
    private static final VarHandle CTX_N_SEQ_MAX = LlamaCppStructs.field(LlamaCppStructs.CONTEXT_PARAMS, "n_seq_max");
    private static final VarHandle CTX_N_THREADS = LlamaCppStructs.field(LlamaCppStructs.CONTEXT_PARAMS, "n_threads");
    private static final VarHandle CTX_N_THREADS_BATCH =
            LlamaCppStructs.field(LlamaCppStructs.CONTEXT_PARAMS, "n_threads_batch");
    private static final VarHandle CTX_TYPE_K = LlamaCppStructs.field(LlamaCppStructs.CONTEXT_PARAMS, "type_k");
    private static final VarHandle CTX_TYPE_V = LlamaCppStructs.field(LlamaCppStructs.CONTEXT_PARAMS, "type_v");
    private static final VarHandle CTX_FLASH_ATTN = LlamaCppStructs.field(LlamaCppStructs.CONTEXT_PARAMS, "flash_attn");
    private static final VarHandle CTX_LOGITS_ALL = LlamaCppStructs.field(LlamaCppStructs.CONTEXT_PARAMS, "logits_all");
    private static final VarHandle CTX_EMBEDDINGS = LlamaCppStructs.field(LlamaCppStructs.CONTEXT_PARAMS, "embeddings");
    private static final VarHandle CTX_OFFLOAD_KQV = LlamaCppStructs.field(LlamaCppStructs.CONTEXT_PARAMS, "offload_kqv");
    private static final VarHandle CTX_NO_PERF = LlamaCppStructs.field(LlamaCppStructs.CONTEXT_PARAMS, "no_perf");

    private static final VarHandle BATCH_N_TOKENS = LlamaCppStructs.field(LlamaCppStructs.BATCH, "n_tokens");
    private static final VarHandle BATCH_TOKEN = LlamaCppStructs.field(LlamaCppStructs.BATCH, "token");
    private static final VarHandle BATCH_POS = LlamaCppStructs.field(LlamaCppStructs.BATCH, "pos");
    private static final VarHandle BATCH_N_SEQ_ID = LlamaCppStructs.field(LlamaCppStructs.BATCH, "n_seq_id");
    private static final VarHandle BATCH_SEQ_ID = LlamaCppStructs.field(LlamaCppStructs.BATCH, "seq_id");
    private static final VarHandle BATCH_LOGITS = LlamaCppStructs.field(LlamaCppStructs.BATCH, "logits");

    private final LlamaCppLibrary lib;
    private final Path file;
    private final int nCtx;
    private final int nVocab;
    private MemorySegment model;
    private MemorySegment context; // NULL for a vocabulary-only oracle
    private final MemorySegment vocab;
    private int nPast;

    private LlamaCppOracle(LlamaCppLibrary lib, Path file, int nCtx, MemorySegment model, MemorySegment context) {
        this.lib = lib;
        this.file = file;
        this.nCtx = nCtx;
        this.model = model;
        this.context = context;
        this.vocab = lib.modelGetVocab(model);
        this.nVocab = lib.vocabNTokens(vocab);
    }

    /**
     * Loads {@code gguf} into llama.cpp with a context of {@code nCtx} positions (also the largest prompt), computing
     * on one thread.
     *
     * @throws LlamaCppUnavailableException when the native library cannot be loaded here
     * @throws LlamaCppException when llama.cpp refuses the file or cannot create the context; the message carries
     *         llama.cpp's own error lines
     */
    public static LlamaCppOracle open(Path gguf, int nCtx) {
        return open(gguf, nCtx, 1);
    }

    /**
     * Loads {@code gguf} as {@link #open(Path, int)} does, computing on {@code threads} threads (for prompts and
     * single tokens alike). More than one thread makes ggml start native worker threads; benchmarks need them.
     */
    public static LlamaCppOracle open(Path gguf, int nCtx, int threads) {
        if (nCtx < 1) {
            throw new IllegalArgumentException("nCtx must be positive, got " + nCtx);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be positive, got " + threads);
        }
        LlamaCppLibrary lib = LlamaCppLibrary.get();
        MemorySegment model = loadModel(lib, gguf, false);
        long mark = lib.log().mark();
        MemorySegment context;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment p = lib.contextDefaultParams(arena);
            CTX_N_CTX.set(p, 0L, nCtx);
            CTX_N_BATCH.set(p, 0L, nCtx);
            CTX_N_UBATCH.set(p, 0L, nCtx);
            CTX_N_SEQ_MAX.set(p, 0L, 1);
            CTX_N_THREADS.set(p, 0L, threads);
            CTX_N_THREADS_BATCH.set(p, 0L, threads);
            CTX_TYPE_K.set(p, 0L, LlamaCppStructs.GGML_TYPE_F32);
            CTX_TYPE_V.set(p, 0L, LlamaCppStructs.GGML_TYPE_F32);
            CTX_FLASH_ATTN.set(p, 0L, false);
            CTX_LOGITS_ALL.set(p, 0L, false); // outputs are requested per token in the batch
            CTX_EMBEDDINGS.set(p, 0L, false);
            CTX_OFFLOAD_KQV.set(p, 0L, false);
            CTX_NO_PERF.set(p, 0L, true);
            context = lib.initFromModel(model, p);
        }
        if (context.equals(MemorySegment.NULL)) {
            lib.modelFree(model);
            throw new LlamaCppException("llama.cpp " + LlamaCppLibrary.BUILD + " could not create a context of "
                    + nCtx + " for " + gguf + ": " + lib.log().problemsSince(mark));
        }
        return new LlamaCppOracle(lib, gguf, nCtx, model, context);
    }

    /**
     * Loads only the vocabulary of {@code gguf} (llama.cpp's {@code vocab_only}), for tokenizer comparisons on
     * vocabulary files without weights. Only {@link #tokenize} and {@link #vocabSize} work on the result.
     */
    public static LlamaCppOracle openVocabulary(Path gguf) {
        LlamaCppLibrary lib = LlamaCppLibrary.get();
        return new LlamaCppOracle(lib, gguf, 0, loadModel(lib, gguf, true), MemorySegment.NULL);
    }

    private static MemorySegment loadModel(LlamaCppLibrary lib, Path gguf, boolean vocabOnly) {
        if (!Files.isRegularFile(gguf)) {
            throw new LlamaCppException("no such model file: " + gguf.toAbsolutePath());
        }
        long mark = lib.log().mark();
        MemorySegment model;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment p = lib.modelDefaultParams(arena);
            MODEL_N_GPU_LAYERS.set(p, 0L, 0);
            MODEL_USE_MMAP.set(p, 0L, true);
            MODEL_VOCAB_ONLY.set(p, 0L, vocabOnly);
            model = lib.modelLoadFromFile(nativeBytes(arena, (gguf.toAbsolutePath() + "\0").getBytes(StandardCharsets.UTF_8)), p);
        }
        if (model.equals(MemorySegment.NULL)) {
            throw new LlamaCppException("llama.cpp " + LlamaCppLibrary.BUILD + " could not load " + gguf.toAbsolutePath()
                    + ": " + lib.log().problemsSince(mark));
        }
        return model;
    }

    /** The llama.cpp build this oracle runs, e.g. {@code b4916}. */
    public static String build() {
        return LlamaCppLibrary.BUILD;
    }

    /** The model file this oracle runs. */
    public Path file() {
        return file;
    }

    /** The number of tokens in the vocabulary, which is also the length of every logits row. */
    public int vocabSize() {
        return nVocab;
    }

    /**
     * llama.cpp's tokenization of {@code text}.
     *
     * @param addSpecial add BOS / EOS as the file's {@code add_bos_token} / {@code add_eos_token} say
     * @param parseSpecial recognise the text of special (control) tokens in {@code text}
     */
    public int[] tokenize(String text, boolean addSpecial, boolean parseSpecial) {
        checkOpen();
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment textSeg = nativeBytes(arena, utf8);
            int capacity = utf8.length + 8;
            while (true) {
                MemorySegment tokens = arena.allocate(JAVA_INT, capacity);
                int n = lib.tokenize(vocab, textSeg, utf8.length, tokens, capacity, addSpecial, parseSpecial);
                if (n >= 0) {
                    int[] ids = new int[n];
                    for (int i = 0; i < n; i++) {
                        ids[i] = tokens.getAtIndex(JAVA_INT, i);
                    }
                    return ids;
                }
                if (-n <= capacity) {
                    throw new LlamaCppException("llama_tokenize failed (" + n + ") on " + file);
                }
                capacity = -n;
            }
        }
    }

    /**
     * Clears the KV cache and decodes {@code ids} as one batch at positions {@code 0 .. ids.length - 1}.
     *
     * @return the logits at every position, {@code [ids.length][vocabSize()]}
     */
    public float[][] promptLogits(int[] ids) {
        checkContext();
        if (ids.length == 0) {
            throw new IllegalArgumentException("empty prompt");
        }
        lib.kvSelfClear(context);
        nPast = 0;
        return decode(ids, true);
    }

    /**
     * Clears the KV cache and decodes {@code ids} as one batch, with logits only at the last position (as
     * generation does, and without the cost of the output projection at every position).
     *
     * @return the logits after the last token, {@code [vocabSize()]}
     */
    public float[] promptLastLogits(int[] ids) {
        checkContext();
        if (ids.length == 0) {
            throw new IllegalArgumentException("empty prompt");
        }
        lib.kvSelfClear(context);
        nPast = 0;
        return decode(ids, false)[0];
    }

    /** Decodes {@code id} at the next position (after the prompt and earlier single tokens) and returns its logits. */
    public float[] decodeOne(int id) {
        checkContext();
        if (nPast == 0) {
            throw new IllegalStateException("decodeOne needs a prompt first (promptLogits or run)");
        }
        return decode(new int[] {id}, false)[0];
    }

    /**
     * Decodes the prompt as one batch, then generates {@code nGen} tokens greedily, decoding each one (so the
     * last step's logits predict a token that was not generated). Starts from an empty KV cache.
     */
    public Greedy run(int[] promptIds, int nGen) {
        float[][] prompt = promptLogits(promptIds);
        int[] generated = new int[nGen];
        float[][] steps = new float[nGen][];
        float[] last = prompt[prompt.length - 1];
        for (int j = 0; j < nGen; j++) {
            generated[j] = Greedy.argmax(last);
            steps[j] = decodeOne(generated[j]);
            last = steps[j];
        }
        return new Greedy(promptIds.clone(), prompt, generated, steps);
    }

    /** The number of positions decoded since the last prompt. */
    public int position() {
        return nPast;
    }

    /** Decodes {@code ids} at the next positions; returns the logits of every token, or of the last one only. */
    @SuppressWarnings("restricted") // llama_get_logits_ith returns a bare pointer to n_vocab floats
    private float[][] decode(int[] ids, boolean allLogits) {
        int n = ids.length;
        if (nPast + n > nCtx) {
            throw new IllegalArgumentException("decoding " + n + " tokens at position " + nPast
                    + " exceeds the context of " + nCtx + " positions");
        }
        for (int id : ids) {
            if (id < 0 || id >= nVocab) {
                throw new IllegalArgumentException("token id " + id + " outside the vocabulary of " + nVocab);
            }
        }
        long mark = lib.log().mark();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment token = arena.allocate(JAVA_INT, n);
            for (int i = 0; i < n; i++) {
                token.setAtIndex(JAVA_INT, i, ids[i]);
            }
            MemorySegment pos = arena.allocate(JAVA_INT, n);
            MemorySegment nSeqId = arena.allocate(JAVA_INT, n);
            MemorySegment seqId0 = arena.allocate(JAVA_INT); // every token belongs to sequence 0
            MemorySegment seqId = arena.allocate(ADDRESS, n);
            MemorySegment logits = arena.allocate(JAVA_BYTE, n);
            for (int i = 0; i < n; i++) {
                pos.setAtIndex(JAVA_INT, i, nPast + i);
                nSeqId.setAtIndex(JAVA_INT, i, 1);
                seqId.setAtIndex(ADDRESS, i, seqId0);
                logits.set(JAVA_BYTE, i, (byte) (allLogits || i == n - 1 ? 1 : 0));
            }
            MemorySegment batch = arena.allocate(LlamaCppStructs.BATCH); // zeroed: embd = NULL
            BATCH_N_TOKENS.set(batch, 0L, n);
            BATCH_TOKEN.set(batch, 0L, token);
            BATCH_POS.set(batch, 0L, pos);
            BATCH_N_SEQ_ID.set(batch, 0L, nSeqId);
            BATCH_SEQ_ID.set(batch, 0L, seqId);
            BATCH_LOGITS.set(batch, 0L, logits);
            int rc = lib.decode(context, batch);
            if (rc != 0) {
                throw new LlamaCppException("llama_decode returned " + rc + " for " + n + " tokens at position "
                        + nPast + " of " + file + ": " + lib.log().problemsSince(mark));
            }
        }
        nPast += n;
        int first = allLogits ? 0 : n - 1;
        float[][] out = new float[n - first][];
        for (int i = first; i < n; i++) {
            MemorySegment row = lib.getLogitsIth(context, i);
            if (row.equals(MemorySegment.NULL)) {
                throw new LlamaCppException("llama.cpp returned no logits for output " + i + " of " + file + ": "
                        + lib.log().problemsSince(mark));
            }
            MemorySegment values = row.reinterpret(nVocab * JAVA_FLOAT.byteSize());
            float[] logitsRow = new float[nVocab];
            for (int v = 0; v < nVocab; v++) {
                logitsRow[v] = values.getAtIndex(JAVA_FLOAT, v);
            }
            out[i - first] = logitsRow;
        }
        return out;
    }

    private void checkOpen() {
        if (model == null) {
            throw new IllegalStateException("oracle for " + file + " is closed");
        }
    }

    private void checkContext() {
        checkOpen();
        if (context.equals(MemorySegment.NULL)) {
            throw new IllegalStateException("oracle for " + file + " was opened for its vocabulary only");
        }
    }

    /** Frees llama.cpp's context and model; later calls fail, a second close does nothing. */
    @Override
    public void close() {
        if (model == null) {
            return;
        }
        if (!context.equals(MemorySegment.NULL)) {
            lib.free(context);
        }
        lib.modelFree(model);
        model = null;
        context = null;
    }

    @Override
    public String toString() {
        return "LlamaCppOracle[" + LlamaCppLibrary.BUILD + ", " + file + "]";
    }

    /** {@code bytes} copied into native memory element by element (see the class comment for why not allocateFrom). */
    private static MemorySegment nativeBytes(Arena arena, byte[] bytes) {
        MemorySegment s = arena.allocate(Math.max(1, bytes.length));
        for (int i = 0; i < bytes.length; i++) {
            s.set(JAVA_BYTE, i, bytes[i]);
        }
        return s;
    }
}
