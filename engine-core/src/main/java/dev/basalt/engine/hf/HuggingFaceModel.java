package dev.basalt.engine.hf;

import dev.basalt.engine.GenerationDefaults;
import dev.basalt.engine.ModelFamily;
import dev.basalt.engine.ModelSource;
import dev.basalt.engine.hf.HfTensorNames.Mapped;
import dev.basalt.engine.hf.HfTensorNames.Transform;
import dev.basalt.engine.hf.RopeFactors.GeneratedTensor;
import dev.basalt.gguf.Metadata;
import dev.basalt.gguf.MetadataValue;
import dev.basalt.gguf.ModelFormatException;
import dev.basalt.gguf.SafetensorsModel;
import dev.basalt.gguf.SafetensorsTensorInfo;
import dev.basalt.tensor.GgmlType;
import dev.basalt.tensor.Tensor;
import dev.basalt.tokenizer.GgufTokenizerMetadata;
import dev.basalt.tokenizer.HuggingFaceTokenizer;
import dev.basalt.tokenizer.Tokenizer;
import dev.basalt.tokenizer.TokenizerException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A Hugging Face model folder seen as GGUF: {@code config.json} (+ {@code generation_config.json}) become the
 * metadata llama.cpp's converter writes, {@code tokenizer.json} (+ {@code tokenizer_config.json}) the
 * {@code tokenizer.ggml.*} keys and the tokenizer, and the safetensors weights (one file or shards with
 * {@code model.safetensors.index.json}; F32, F16 or BF16) the GGUF tensors ({@link HfTensorNames}).
 *
 * <p>Weights are views of the mapped safetensors files, except where the layout must change, which forces a copy
 * (off the Java heap, in an arena freed with the model): llama's {@code attn_q}/{@code attn_k} (rows permuted from
 * rotate-half to interleaved pairs, the order GGUF llama's RoPE expects), Gemma's norm weights (stored {@code w + 1},
 * as F32), and the tensors the converter computes from {@code rope_scaling} ({@link RopeFactors}).
 */
public final class HuggingFaceModel implements ModelSource {
    public static final String CONFIG = "config.json";
    public static final String GENERATION_CONFIG = "generation_config.json";
    public static final String TOKENIZER = "tokenizer.json";

    /** One GGUF tensor: the HF tensor it comes from and how, or values the converter computes. */
    private record Entry(String hfName, Transform transform, float[] generated) {
    }

    private final Path folder;
    private final HfArchitecture architecture;
    private final SafetensorsModel weights;
    private final Metadata metadata;
    private final Map<String, Entry> entries;
    private final Tokenizer tokenizer;
    private final String tokenizerProblem;
    private final GenerationDefaults generationDefaults;
    private final Arena copies = Arena.ofShared();
    private final Map<String, Tensor> copied = new ConcurrentHashMap<>();

    private HuggingFaceModel(Path folder, HfArchitecture architecture, SafetensorsModel weights, Metadata metadata,
            Map<String, Entry> entries, Tokenizer tokenizer, String tokenizerProblem, GenerationDefaults defaults) {
        this.folder = folder;
        this.architecture = architecture;
        this.weights = weights;
        this.metadata = metadata;
        this.entries = entries;
        this.tokenizer = tokenizer;
        this.tokenizerProblem = tokenizerProblem;
        this.generationDefaults = defaults;
    }

    /**
     * Opens a model folder.
     *
     * @throws java.nio.file.NoSuchFileException when {@code config.json} or a shard the index lists is missing
     * @throws HfConfigException naming the file and field when a config field is missing or invalid
     * @throws ModelFormatException when a safetensors file or the index is malformed, a tensor has a dtype other than
     *     F32/F16/BF16, or a tensor name is not the architecture's
     * @throws dev.basalt.engine.UnsupportedModelException when the architecture is not one Basalt runs
     */
    public static HuggingFaceModel open(Path folder) throws IOException {
        HfConfig config = HfConfig.read(folder.resolve(CONFIG));
        HfArchitecture arch = HfArchitecture.of(config);
        HfConfig generation = HfConfig.readOptional(folder.resolve(GENERATION_CONFIG));
        GenerationDefaults defaults = generationDefaults(generation);
        String name = config.string("_name_or_path", folder.toAbsolutePath().getFileName().toString());
        Map<String, MetadataValue> md = arch.metadata(config, name);
        md.putAll(defaults.toMetadata());
        SafetensorsModel weights = SafetensorsModel.open(folder);
        try {
            boolean tied = config.bool("tie_word_embeddings", arch.family() == ModelFamily.GEMMA2
                    || arch.family() == ModelFamily.GEMMA3);
            Map<String, Entry> entries = new TreeMap<>(HfTensorNames.FILE_ORDER);
            for (GeneratedTensor g : RopeFactors.tensors(config, arch)) {
                entries.put(g.name(), new Entry(null, Transform.NONE, g.values()));
            }
            for (SafetensorsTensorInfo info : weights.tensorInfos()) {
                Mapped m;
                try {
                    m = HfTensorNames.map(info.name(), arch, tied);
                } catch (IllegalArgumentException e) {
                    throw new ModelFormatException(info.file(), info.fileOffset(), e.getMessage());
                }
                if (m == null) {
                    continue;
                }
                switch (info.dtype()) {
                    case F32, F16, BF16 -> {
                    }
                    default -> throw new ModelFormatException(info.file(), info.fileOffset(), "tensor '" + info.name()
                            + "': dtype " + info.dtype() + " is not supported (Hugging Face weights must be F32, F16 or BF16)");
                }
                entries.put(m.ggufName(), new Entry(info.name(), m.transform(), null));
            }
            Tokenizer tokenizer = null;
            String tokenizerProblem = "the folder has no " + TOKENIZER;
            Path tokenizerJson = folder.resolve(TOKENIZER);
            if (Files.isRegularFile(tokenizerJson)) {
                tokenizer = HuggingFaceTokenizer.load(tokenizerJson);
                int vocab = entries.containsKey("token_embd.weight")
                        ? (int) weights.tensor(entries.get("token_embd.weight").hfName()).dim(1)
                        : config.positiveInt("vocab_size");
                try {
                    md.putAll(GgufTokenizerMetadata.fromHuggingFace(tokenizerJson, vocab, specialIds(config)));
                    tokenizerProblem = null;
                } catch (TokenizerException e) {
                    tokenizerProblem = e.getMessage(); // runs with the HF tokenizer; convert reports why it cannot
                }
            }
            return new HuggingFaceModel(folder, arch, weights, new Metadata(folder.toString(), md), entries, tokenizer,
                    tokenizerProblem, defaults);
        } catch (IOException | RuntimeException e) {
            weights.close();
            throw e;
        }
    }

    /** {@code generation_config.json}: {@code do_sample: false} means greedy, whatever the temperature says. */
    private static GenerationDefaults generationDefaults(HfConfig g) {
        Float temperature = g.has("temperature") ? (float) g.number("temperature") : null;
        if (!g.bool("do_sample", true)) {
            temperature = 0f;
        }
        return new GenerationDefaults(temperature, g.has("top_p") ? (float) g.number("top_p") : null,
                g.has("top_k") ? (int) g.number("top_k") : null, g.ints("eos_token_id"));
    }

    /** The special ids config.json names, which gguf-py uses where tokenizer_config.json names none. */
    private static Map<String, Integer> specialIds(HfConfig config) {
        Map<String, Integer> ids = new HashMap<>();
        for (String kind : List.of("bos", "eos", "unk", "pad")) {
            int[] v = config.ints(kind + "_token_id");
            if (v.length > 0) {
                ids.put(kind, v[0]);
            }
        }
        return ids;
    }

    /** The architecture mapping used for this folder. */
    public HfArchitecture architecture() {
        return architecture;
    }

    /** Why the tokenizer cannot be written as {@code tokenizer.ggml.*} metadata, if it cannot. */
    public Optional<String> tokenizerMetadataProblem() {
        return Optional.ofNullable(tokenizerProblem);
    }

    @Override
    public String source() {
        return folder.toString();
    }

    @Override
    public Metadata metadata() {
        return metadata;
    }

    @Override
    public List<String> tensorNames() {
        return new ArrayList<>(entries.keySet());
    }

    @Override
    public boolean hasTensor(String name) {
        return entries.containsKey(name);
    }

    @Override
    public Tensor tensor(String name) {
        Entry e = entry(name);
        if (e.generated == null && e.transform == Transform.NONE) {
            return view(name, e);
        }
        return copied.computeIfAbsent(name, n -> tensor(n, copies));
    }

    @Override
    public long[] shape(String name) {
        Entry e = entry(name);
        return e.generated != null ? new long[] {e.generated.length} : view(name, e).shape();
    }

    @Override
    public GgmlType type(String name) {
        Entry e = entry(name);
        return e.generated != null || e.transform == Transform.NORM_PLUS_ONE ? GgmlType.F32 : view(name, e).type();
    }

    @Override
    public Tensor tensor(String name, Arena arena) {
        Entry e = entry(name);
        if (e.generated != null) {
            return f32(name, e.generated, arena);
        }
        Tensor hf = view(name, e);
        return switch (e.transform) {
            case NONE -> hf;
            case PERMUTE_Q -> permuteRows(hf, metadata.getInt(architecture.family().key("attention.head_count")), arena);
            case PERMUTE_K -> permuteRows(hf, metadata.getInt(architecture.family().key("attention.head_count_kv")), arena);
            case NORM_PLUS_ONE -> plusOne(hf, arena);
        };
    }

    @Override
    public Optional<Tokenizer> tokenizer() {
        return Optional.ofNullable(tokenizer);
    }

    @Override
    public GenerationDefaults generationDefaults() {
        return generationDefaults;
    }

    private Entry entry(String name) {
        Entry e = entries.get(name);
        if (e == null) {
            throw new ModelFormatException(folder.toString(), -1, "no tensor named '" + name + "'");
        }
        return e;
    }

    private Tensor view(String ggufName, Entry e) {
        Tensor t = weights.tensor(e.hfName);
        return new Tensor(ggufName, t.type(), t.shape(), t.data());
    }

    /**
     * The converter's {@code permute}: within each of {@code heads} heads of {@code d} rows, GGUF row {@code 2j + s}
     * is HF row {@code s·d/2 + j} (HF keeps the two halves rotate_half pairs; GGUF llama pairs adjacent rows).
     */
    static Tensor permuteRows(Tensor hf, int heads, Arena arena) {
        long rows = hf.dim(1);
        long rowBytes = hf.rowBytes();
        if (rows % (2L * heads) != 0) {
            throw new ModelFormatException(hf.name(), -1, rows + " rows cannot be split into " + heads + " heads of pairs");
        }
        long half = rows / heads / 2;
        MemorySegment out = arena.allocate(hf.data().byteSize(), 64);
        for (long h = 0; h < heads; h++) {
            for (long j = 0; j < half; j++) {
                for (long s = 0; s < 2; s++) {
                    long from = h * 2 * half + s * half + j;
                    long to = h * 2 * half + 2 * j + s;
                    MemorySegment.copy(hf.data(), from * rowBytes, out, to * rowBytes, rowBytes);
                }
            }
        }
        return new Tensor(hf.name(), hf.type(), hf.shape(), out);
    }

    /**
     * Gemma's {@code w + 1} as F32. The converter adds in the tensor's own precision after widening BF16 to F32 (an
     * F16 tensor stays F16, so its sum is rounded to F16), then stores norms as F32.
     */
    static Tensor plusOne(Tensor hf, Arena arena) {
        float[] v = new float[(int) hf.elementCount()];
        hf.type().codec().dequantize(hf.data(), 0, v, 0, v.length);
        for (int i = 0; i < v.length; i++) {
            v[i] += 1f;
            if (hf.type() == GgmlType.F16) {
                v[i] = Float.float16ToFloat(Float.floatToFloat16(v[i]));
            }
        }
        return f32(hf.name(), v, arena);
    }

    private static Tensor f32(String name, float[] values, Arena arena) {
        MemorySegment out = arena.allocate(4L * values.length, 64);
        GgmlType.F32.codec().quantize(values, 0, values.length, out, 0);
        return new Tensor(name, GgmlType.F32, new long[] {values.length}, out);
    }

    @Override
    public void close() {
        if (copies.scope().isAlive()) {
            copies.close();
            weights.close();
        }
    }
}
