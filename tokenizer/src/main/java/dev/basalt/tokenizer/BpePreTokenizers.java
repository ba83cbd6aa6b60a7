package dev.basalt.tokenizer;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The pre-tokenizer of each byte-level BPE family, by GGUF {@code tokenizer.ggml.pre} value, as llama.cpp defines
 * them (llama-vocab.cpp: the names in {@code load()}, the regexes in {@code llm_tokenizer_bpe}). The regexes are
 * llama.cpp's adapted ones (e.g. {@code (?i:'s|...)} spelled out as {@code '[sS]|...}), run by
 * {@link LlamaRegexSplitter}.
 */
public final class BpePreTokenizers {

    /**
     * @param ignoreMerges a word that is itself a token is not merged (Llama 3's tokenizer does this)
     * @param addBos whether BOS is added when the GGUF file does not say
     */
    public record Family(String name, List<String> regexes, boolean ignoreMerges, boolean addBos) {
    }

    /** The family llama.cpp uses when {@code tokenizer.ggml.pre} is missing (it warns that quality degrades). */
    public static final String DEFAULT = "default";

    private static final String CONTRACTIONS = "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])";
    private static final String GPT2 = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)";
    private static final String LLAMA3 = CONTRACTIONS
            + "|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    private static final String QWEN2 = CONTRACTIONS
            + "|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    private static final String QWEN35 = CONTRACTIONS
            + "|[^\\r\\n\\p{L}\\p{N}]?[\\p{L}\\p{M}]+|\\p{N}| ?[^\\s\\p{L}\\p{M}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    private static final String UPPER_THEN_LOWER = "[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}])([^a-z]))*((?=[\\p{L}])([^A-Z]))+";
    private static final String LOWER_AFTER_UPPER = "[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}])([^a-z]))+((?=[\\p{L}])([^A-Z]))*";
    private static final String GPT4O = UPPER_THEN_LOWER + CONTRACTIONS + "?|" + LOWER_AFTER_UPPER + CONTRACTIONS
            + "?|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    private static final String TEKKEN = UPPER_THEN_LOWER + "|" + LOWER_AFTER_UPPER
            + "|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    private static final String BLOOM = " ?[^(\\s|.,!?\u2026\u3002\uFF0C\u3001\u0964\u06D4\u060C)]+";

    private static final Map<String, Family> BY_PRE = new LinkedHashMap<>();

    static {
        add(List.of("[\\p{P}\\$\\+<=>\\^~\\|]+", GPT2, "\\p{N}+", "[0-9][0-9][0-9]"), false, false, DEFAULT);
        add(List.of(LLAMA3), true, true, "llama3", "llama-v3", "llama-bpe", "falcon3", "falcon-h1", "pixtral", "midm-2.0", "lfm2");
        add(List.of(LLAMA3), false, false, "dbrx", "smaug-bpe");
        add(List.of("[\r\n]",
                "\\s?[A-Za-z\u00B5\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u01BA\u01BC-\u01BF\u01C4-\u0293\u0295-\u02AF\u0370-\u0373\u0376\u0377\u037B-\u037D\u037F\u0386\u0388-\u038A\u038C\u038E-\u03A1\u03A3-\u03F5\u03F7-\u0481\u048A-\u052F\u0531-\u0556\u10A0-\u10C5\u13A0-\u13F5\u13F8-\u13FD\u1C90-\u1CBA\u1CBD-\u1CBF\u1D00-\u1D2B\u1D6B-\u1D77\u1D79-\u1D9A\u1E00-\u1F15\u1F18-\u1F1D\u1F20-\u1F45\u1F48-\u1F4D\u1F50-\u1F57\u1F59\u1F5B\u1F5D\u1F5F-\u1F7D\u1F80-\u1FB4\u1FB6-\u1FBC\u1FBE\u1FC2-\u1FC4\u1FC6-\u1FCC\u1FD0-\u1FD3\u1FD6-\u1FDB\u1FE0-\u1FEC\u1FF2-\u1FF4\u1FF6-\u1FFC\u2102\u2107\u210A-\u2113\u2115\u2119-\u211D\u2124\u2126\u2128\u212A-\u212D\u212F-\u2134\u2139\u213C-\u213F\u2145-\u2149\u214E\u2183\u2184\u2C00-\u2C7B\u2C7E-\u2CE4\u2CEB-\u2CEE\u2CF2\u2CF3\uA640-\uA66D\uA680-\uA69B\uA722-\uA76F\uA771-\uA787\uA78B-\uA78E\uAB70-\uABBF\uFB00-\uFB06\uFB13-\uFB17\uFF21-\uFF3A\uFF41-\uFF5A\uD801\uDC00-\uD801\uDC4F\uD801\uDCB0-\uD801\uDCD3\uD801\uDCD8-\uD801\uDCFB\uD803\uDC80-\uD803\uDCB2\uD803\uDCC0-\uD803\uDCF2\uD806\uDCA0-\uD806\uDCDF\uD83A\uDD00-\uD83A\uDD43]+",
                "\\s?[!-/:-~\uFF01-\uFF0F\uFF1A-\uFF5E\u2018-\u201F\u3000-\u3002]+",
                "\\s+$",
                "[\u4E00-\u9FA5\u0800-\u4E00\uAC00-\uD7FF]+",
                "\\p{N}+"), false, false, "deepseek-llm");
        add(List.of("[\r\n]", "\\s?\\p{L}+", "\\s?\\p{P}+", "[\u4E00-\u9FA5\u0800-\u4E00\uAC00-\uD7FF]+", "\\p{N}"), false, false, "deepseek-coder");
        add(List.of("\\p{N}{1,3}", "[\u4E00-\u9FA5\u3040-\u309F\u30A0-\u30FF]+",
                "[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\r\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+| ?[\\p{P}\\p{S}]+[\r\n]*|\\s*[\r\n]+|\\s+(?!\\S)|\\s+"),
                false, false, "deepseek-v3");
        add(List.of("[\\p{P}\\$\\+<=>\\^~\\|`]+", GPT2, "[0-9][0-9][0-9]"), false, false, "falcon");
        add(List.of("\\p{N}", GPT2), false, false,
                "starcoder", "refact", "command-r", "smollm", "codeshell", "exaone", "minerva-7b", "mellum2");
        add(List.of(GPT2), false, false, "gpt-2", "phi-2", "jina-es", "jina-de", "gigachat", "jina-v2-es", "jina-v2-de",
                "a.x-4.0", "mellum", "modern-bert", "exaone4", "mpt", "olmo", "jais", "trillion", "granite-docling");
        add(List.of(QWEN2), false, false, "qwen2", "deepseek-r1-qwen", "kormo", "f2llmv2", "megrez", "stablelm2",
                "hunyuan", "solar-open", "grok-2");
        add(List.of(QWEN35), false, false, "qwen35");
        add(List.of(CONTRACTIONS + "|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1}| ?[^\\s\\p{L}\\p{N}\\r\\n]+|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"),
                false, false, "seed-coder");
        add(List.of(GPT4O), false, false, "gpt-4o", "llama4", "kanana2", "talkie", "minimax-m2");
        add(List.of(TEKKEN), true, true, "tekken");
        add(List.of(BLOOM), false, false, "poro-chat", "bloom", "gpt3-finnish");
        add(List.of(BLOOM, "\\p{N}"), false, false, "viking");
    }

    private BpePreTokenizers() {
    }

    private static void add(List<String> regexes, boolean ignoreMerges, boolean addBos, String... names) {
        for (String name : names) {
            BY_PRE.put(name, new Family(name, regexes, ignoreMerges, addBos));
        }
    }

    /**
     * The family of a {@code tokenizer.ggml.pre} value.
     *
     * @throws TokenizerException naming the value and the supported ones when it is not known
     */
    public static Family forPre(String source, String pre) {
        Family f = BY_PRE.get(pre);
        if (f == null) {
            throw new TokenizerException(source + ": metadata key 'tokenizer.ggml.pre': unknown pre-tokenizer \"" + pre
                    + "\"; supported: " + String.join(", ", supported()));
        }
        return f;
    }

    /**
     * The names llama.cpp's converter writes for the pre-tokenizers it recognizes, in the order they are tried when
     * a Hugging Face pre-tokenizer's regexes are matched (several names share one regex; the converter's is first).
     */
    private static final List<String> CONVERTER_NAMES = List.of("llama-bpe", "qwen2", "gpt-2", "qwen35", "gpt-4o",
            "tekken", "deepseek-v3", "deepseek-llm", "deepseek-coder", "falcon", "starcoder", "smollm", "bloom");

    /**
     * The {@code tokenizer.ggml.pre} name whose regexes are {@code regexes}, written as llama.cpp spells them (a
     * Hugging Face {@code (?i:'s|'t|...)} group is spelled out case by case first), if any.
     */
    public static java.util.Optional<String> forRegexes(List<String> regexes) {
        List<String> spelled = regexes.stream()
                .map(r -> r.replace("(?i:'s|'t|'re|'ve|'m|'ll|'d)", CONTRACTIONS)).toList();
        return CONVERTER_NAMES.stream().filter(n -> BY_PRE.get(n).regexes().equals(spelled)).findFirst();
    }

    public static Set<String> supported() {
        return new TreeSet<>(BY_PRE.keySet());
    }
}
