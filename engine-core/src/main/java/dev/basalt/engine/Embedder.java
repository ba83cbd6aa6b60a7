package dev.basalt.engine;

import dev.basalt.tensor.compute.Activation;
import dev.basalt.tensor.compute.Backend;
import dev.basalt.tokenizer.SpecialTokens;
import dev.basalt.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Embeddings and rerank scores from a {@link Model}, computed as llama.cpp computes them: each input is a whole
 * sequence at positions 0.., special tokens added ({@code add_special = true}, {@code parse_special = false}); the
 * final hidden states are pooled ({@link Pooling}) and, when asked, L2-normalized.
 *
 * <p>Many short inputs are packed into one batch of up to {@link EmbeddingOptions#batchTokens()} tokens, so the
 * matrix products run matrix by matrix over the batch; each input still attends only to itself, which makes its
 * result the same, bit for bit, as when it is embedded alone.
 *
 * <p>Thread-safety: safe for concurrent use; each call takes its own buffers (kept for reuse afterwards).
 */
public final class Embedder {
    private final Model model;
    private final Transformer transformer;
    private final Backend backend;
    private final EmbeddingOptions options;
    private final Pooling pooling;
    private final int maxTokens;
    private final ConcurrentLinkedQueue<Transformer.Workspace> idle = new ConcurrentLinkedQueue<>();

    Embedder(Model model, Transformer transformer, Backend backend, EmbeddingOptions options) {
        this.model = model;
        this.transformer = transformer;
        this.backend = backend;
        this.options = options;
        this.pooling = options.pooling() != null ? options.pooling() : model.config().pooling();
        int context = model.defaultContextLength();
        if (model.family().has(BlockTrait.ABSOLUTE_POSITIONS)) {
            context = Math.min(context, model.config().contextLength()); // there are no position embeddings beyond it
        }
        this.maxTokens = Math.min(context, options.batchTokens());
        if (pooling == Pooling.RANK && !model.hasClassifier()) {
            throw new IncompatiblePoolingException(model.source(), pooling,
                    "rank pooling needs a classification head (cls.output.weight), which the file lacks");
        }
    }

    public Pooling pooling() {
        return pooling;
    }

    public EmbeddingOptions options() {
        return options;
    }

    /** The longest input in tokens, special tokens included: the context length, or the batch size when smaller. */
    public int maxTokens() {
        return maxTokens;
    }

    /** The length of each pooled vector (the model's width), or of each score row under RANK pooling. */
    public int dimension() {
        return pooling == Pooling.RANK ? model.config().classifierLabels() : model.config().embeddingLength();
    }

    /** Token ids run from 0 to this (exclusive). */
    public int vocabularySize() {
        return model.config().vocabSize();
    }

    /** The ids llama.cpp embeds for {@code text}: special tokens added (CLS/SEP, BOS/EOS as the vocabulary asks). */
    public int[] tokenize(String text) {
        return model.tokenizer().encode(text, true, false);
    }

    /**
     * The ids of a query/document pair as llama.cpp's server formats {@code /rerank}: the model's {@code rerank}
     * template when the file has one, else {@code [BOS] query [EOS] [SEP] document [EOS]}, each marker where the
     * vocabulary asks for it (EOS falls back to SEP), query and document tokenized without special tokens.
     */
    public int[] pairTokens(String query, String document) {
        Tokenizer tok = model.tokenizer();
        String template = "tokenizer.chat_template.rerank";
        if (model.metadata().has(template)) {
            String prompt = model.metadata().getString(template).replace("{query}", query).replace("{document}", document);
            return tok.encode(prompt, false, true);
        }
        SpecialTokens sp = tok.vocabulary().special();
        int eos = sp.eos() != SpecialTokens.NONE ? sp.eos() : sp.sep();
        boolean addSep = model.metadata().getBoolean("tokenizer.ggml.add_sep_token", false);
        int[] q = tok.encode(query, false, false);
        int[] d = tok.encode(document, false, false);
        List<Integer> ids = new ArrayList<>();
        if (sp.addBos() && sp.bos() != SpecialTokens.NONE) {
            ids.add(sp.bos());
        }
        for (int id : q) {
            ids.add(id);
        }
        if (sp.addEos() && eos != SpecialTokens.NONE) {
            ids.add(eos);
        }
        if (addSep && sp.sep() != SpecialTokens.NONE) {
            ids.add(sp.sep());
        }
        for (int id : d) {
            ids.add(id);
        }
        if (sp.addEos() && eos != SpecialTokens.NONE) {
            ids.add(eos);
        }
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    /** One pooled vector per text, in order. See {@link #embedTokens}. */
    public float[][] embed(List<String> texts) {
        return embedTokens(texts.stream().map(this::tokenize).toList());
    }

    /**
     * One pooled vector per input of token ids, in order.
     *
     * @throws IncompatiblePoolingException when the pooling is NONE (use {@link #tokenEmbeddings}) or RANK (use
     *     {@link #rerank}, or pooling CLS for the vector the head reads)
     * @throws InputTooLongException when an input exceeds {@link #maxTokens()} and truncation is off
     * @throws IllegalArgumentException when an input is empty or holds an id outside the vocabulary
     */
    public float[][] embedTokens(List<int[]> inputs) {
        if (pooling == Pooling.NONE) {
            throw new IncompatiblePoolingException(model.source(), pooling, "the model has no pooling, so it gives one "
                    + "vector per token, not per text: ask for per-token embeddings, or choose a pooling (mean, cls, last)");
        }
        if (pooling == Pooling.RANK) {
            throw new IncompatiblePoolingException(model.source(), pooling, "a reranker scores query/document pairs: "
                    + "rerank them, or choose a pooling (cls, mean) for vectors");
        }
        return run(inputs, pooling).stream().map(rows -> rows[0]).toArray(float[][]::new);
    }

    /** Every token's final hidden state (pooling NONE, whatever the embedder's pooling): one matrix per input. */
    public List<float[][]> tokenEmbeddings(List<int[]> inputs) {
        return run(inputs, Pooling.NONE);
    }

    /**
     * The raw score (no sigmoid) of each document for {@code query}, in the documents' order.
     *
     * @throws IncompatiblePoolingException when the pooling is not RANK (the model is not a reranker)
     */
    public float[] rerank(String query, List<String> documents) {
        return rerankTokens(documents.stream().map(d -> pairTokens(query, d)).toList());
    }

    /** The first label's raw score of each formatted pair ({@link #pairTokens}). */
    public float[] rerankTokens(List<int[]> pairs) {
        if (pooling != Pooling.RANK) {
            throw new IncompatiblePoolingException(model.source(), pooling,
                    "reranking needs a reranker (a classification head and rank pooling)");
        }
        List<float[][]> scores = run(pairs, Pooling.RANK);
        float[] out = new float[scores.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = scores.get(i)[0][0];
        }
        return out;
    }

    /** Checks and (when allowed) truncates every input, then runs them in packed batches. */
    private List<float[][]> run(List<int[]> inputs, Pooling how) {
        model.ensureOpen();
        int vocab = model.config().vocabSize();
        List<int[]> checked = new ArrayList<>(inputs.size());
        for (int i = 0; i < inputs.size(); i++) {
            int[] ids = inputs.get(i);
            if (ids.length == 0) {
                throw new IllegalArgumentException("input " + i + " has no tokens");
            }
            for (int j = 0; j < ids.length; j++) {
                if (ids[j] < 0 || ids[j] >= vocab) {
                    throw new IllegalArgumentException("input " + i + ": token id " + ids[j] + " at index " + j
                            + " is outside the vocabulary [0, " + vocab + ")");
                }
            }
            if (ids.length > maxTokens) {
                if (!options.truncate()) {
                    throw new InputTooLongException(i, ids.length, maxTokens);
                }
                int[] cut = Arrays.copyOf(ids, maxTokens);
                cut[maxTokens - 1] = ids[ids.length - 1];
                ids = cut;
            }
            checked.add(ids);
        }
        List<float[][]> out = new ArrayList<>(checked.size());
        Transformer.Workspace ws = idle.poll();
        if (ws == null) {
            ws = transformer.embeddingWorkspace(options.batchTokens(), maxTokens);
        }
        try {
            int next = 0;
            while (next < checked.size()) {
                int first = next;
                int tokens = 0;
                while (next < checked.size() && tokens + checked.get(next).length <= options.batchTokens()) {
                    tokens += checked.get(next++).length;
                }
                out.addAll(batch(ws, checked.subList(first, next), tokens, how));
            }
        } finally {
            idle.add(ws);
        }
        return out;
    }

    /** Runs {@code inputs} packed into one batch of {@code tokens} tokens and pools each. */
    private List<float[][]> batch(Transformer.Workspace ws, List<int[]> inputs, int tokens, Pooling how) {
        int[] ids = new int[tokens];
        int[] starts = new int[inputs.size()];
        int at = 0;
        for (int s = 0; s < starts.length; s++) {
            starts[s] = at;
            int[] in = inputs.get(s);
            System.arraycopy(in, 0, ids, at, in.length);
            at += in.length;
        }
        transformer.packedLayers(ws, ids, starts);
        Activation states = transformer.hiddenStates(ws, tokens);
        int dim = model.config().embeddingLength();
        List<float[][]> out = new ArrayList<>(starts.length);
        if (how == Pooling.RANK) {
            int labels = model.config().classifierLabels();
            float[] scores = new float[starts.length * labels];
            transformer.classify(ws, states, starts, scores); // the head reads each sequence's first token
            for (int s = 0; s < starts.length; s++) {
                out.add(new float[][] {Arrays.copyOfRange(scores, s * labels, (s + 1) * labels)});
            }
            return out;
        }
        for (int s = 0; s < starts.length; s++) {
            int n = inputs.get(s).length;
            float[][] rows = switch (how) {
                case CLS -> new float[][] {row(states, starts[s], dim)};
                case LAST -> new float[][] {row(states, starts[s] + n - 1, dim)};
                case MEAN -> new float[][] {mean(states, starts[s], n, dim)};
                case NONE -> {
                    float[][] all = new float[n][];
                    for (int t = 0; t < n; t++) {
                        all[t] = row(states, starts[s] + t, dim);
                    }
                    yield all;
                }
                case RANK -> throw new AssertionError("handled above");
            };
            if (options.normalize()) {
                for (float[] r : rows) {
                    normalize(r);
                }
            }
            out.add(rows);
        }
        return out;
    }

    private float[] row(Activation states, int row, int dim) {
        float[] r = new float[dim];
        backend.read(states, row * dim, r, 0, dim);
        return r;
    }

    /** The average of the n rows from {@code first}, summed in double (llama.cpp: a product with 1/n weights). */
    private float[] mean(Activation states, int first, int n, int dim) {
        float[] block = new float[n * dim];
        backend.read(states, first * dim, block, 0, n * dim);
        float[] out = new float[dim];
        for (int i = 0; i < dim; i++) {
            double sum = 0;
            for (int t = 0; t < n; t++) {
                sum += block[t * dim + i];
            }
            out[i] = (float) (sum / n);
        }
        return out;
    }

    /** To unit L2 length as llama.cpp's {@code common_embd_normalize(.., 2)}: the norm in double; a zero vector stays. */
    static void normalize(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += (double) x * x;
        }
        float scale = sum > 0 ? (float) (1.0 / Math.sqrt(sum)) : 0f;
        for (int i = 0; i < v.length; i++) {
            v[i] *= scale;
        }
    }
}
