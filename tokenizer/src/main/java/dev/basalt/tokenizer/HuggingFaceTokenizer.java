package dev.basalt.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.basalt.tokenizer.template.ChatTemplates;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A tokenizer from a Hugging Face {@code tokenizer.json} (with {@code tokenizer_config.json} beside it when
 * present): normalizer, pre-tokenizer, a {@code BPE} model and decoder, as used by Llama 3 and Qwen (byte-level
 * BPE) and Gemma 3 (BPE over characters with byte fallback). Added tokens become vocabulary entries: special ones
 * {@link TokenAttr#CONTROL}, others {@link TokenAttr#USER_DEFINED}, with their lstrip / rstrip / normalized /
 * single_word flags.
 *
 * <p>BOS / EOS with {@code addSpecial}: {@code add_bos_token} / {@code add_eos_token} of the config when given;
 * otherwise the special tokens a {@code TemplateProcessing} post-processor puts around the text; otherwise BOS
 * when the config names a {@code bos_token} (the Llama 3 files ship a plain ByteLevel post-processor, and llama.cpp
 * adds BOS for Llama 3). Decoding applies no {@code clean_up_tokenization_spaces}, so that decode(encode(t)) == t.
 */
public final class HuggingFaceTokenizer extends AbstractTokenizer {
    /** Texts of end-of-turn tokens, as llama.cpp recognizes them. */
    private static final List<String> END_OF_TURN = List.of("<|eot_id|>", "<|im_end|>", "<end_of_turn>", "<|end|>");

    private final HfNormalizer normalizer;
    private final HfPreTokenizer preTokenizer;
    private final BpeModel model;
    private final PieceDecoder decoder;
    private final TokenizerConfig config;

    private HuggingFaceTokenizer(Vocabulary vocab, HfNormalizer normalizer, HfPreTokenizer preTokenizer, BpeModel model,
            PieceDecoder decoder, TokenizerConfig config) {
        super(vocab);
        this.normalizer = normalizer;
        this.preTokenizer = preTokenizer;
        this.model = model;
        this.decoder = decoder;
        this.config = config;
    }

    /**
     * @throws TokenizerException naming the file for malformed JSON, a missing model, a merge naming an unknown
     *     token, or an unsupported component type
     * @throws IOException when a file cannot be read
     */
    public static HuggingFaceTokenizer load(Path tokenizerJson) throws IOException {
        TokenizerJson file = TokenizerJson.read(tokenizerJson);
        TokenizerConfig config = TokenizerConfig.besides(tokenizerJson);
        JsonNode m = file.model;
        if (!"BPE".equals(m.path("type").asText("BPE"))) {
            throw file.error("unsupported model type \"" + m.path("type").asText() + "\" (supported: BPE)");
        }
        if (m.hasNonNull("dropout") && m.get("dropout").asDouble() > 0) {
            throw file.error("model.dropout is not supported");
        }
        for (String affix : List.of("continuing_subword_prefix", "end_of_word_suffix")) {
            if (!m.path(affix).asText("").isEmpty()) {
                throw file.error("model." + affix + " is not supported");
            }
        }
        boolean byteFallback = m.path("byte_fallback").asBoolean(false);
        Vocabulary vocab = vocabulary(file, config, byteFallback);
        BpeMergeTable merges = BpeModel.mergeTable(vocab, new BpeModel.MergeSource() {
            @Override
            public int size() {
                return file.mergeLeft.size();
            }

            @Override
            public String[] pair(int i) {
                return new String[] {file.mergeLeft.get(i), file.mergeRight.get(i)};
            }
        }, file.source + " (model.merges)");
        int unk = m.hasNonNull("unk_token") ? vocab.id(m.get("unk_token").asText()) : SpecialTokens.NONE;
        BpeModel model = new BpeModel(vocab, merges, m.path("ignore_merges").asBoolean(false), byteFallback, unk,
                m.path("fuse_unk").asBoolean(false));
        return new HuggingFaceTokenizer(vocab, HfNormalizer.fromJson(file.component("normalizer"), file),
                HfPreTokenizer.fromJson(file.component("pre_tokenizer"), file), model,
                HfDecoder.fromJson(file.component("decoder"), file), config);
    }

    private static Vocabulary vocabulary(TokenizerJson file, TokenizerConfig config, boolean byteFallback) {
        int size = 0;
        for (int i = 0; i < file.vocabIds.size(); i++) {
            size = Math.max(size, file.vocabIds.get(i) + 1);
        }
        JsonNode added = file.component("added_tokens");
        if (added != null) {
            for (JsonNode t : added) {
                size = Math.max(size, t.path("id").asInt(-1) + 1);
            }
        }
        String[] tokens = new String[size];
        int[] attrs = new int[size];
        Arrays.fill(tokens, "");
        Arrays.fill(attrs, TokenAttr.UNUSED); // ids no entry names
        for (int i = 0; i < file.vocabIds.size(); i++) {
            int id = file.vocabIds.get(i);
            if (id < 0) {
                throw file.error("model.vocab: negative id " + id + " for \"" + file.vocabTokens.get(i) + "\"");
            }
            String text = file.vocabTokens.get(i);
            tokens[id] = text;
            attrs[id] = byteFallback && PieceDecoder.byteToken(text) >= 0 ? TokenAttr.BYTE : TokenAttr.NORMAL;
        }
        if (added != null) {
            for (JsonNode t : added) {
                int id = t.path("id").asInt(-1);
                if (id < 0 || !t.path("content").isTextual()) {
                    throw file.error("added_tokens: entry without a valid id and content: " + t);
                }
                tokens[id] = t.get("content").asText();
                attrs[id] = (t.path("special").asBoolean(false) ? TokenAttr.CONTROL : TokenAttr.USER_DEFINED)
                        | (t.path("lstrip").asBoolean(false) ? TokenAttr.LSTRIP : 0)
                        | (t.path("rstrip").asBoolean(false) ? TokenAttr.RSTRIP : 0)
                        | (t.path("normalized").asBoolean(false) ? TokenAttr.NORMALIZED : 0)
                        | (t.path("single_word").asBoolean(false) ? TokenAttr.SINGLE_WORD : 0);
            }
        }
        // Special tokens by text, first id wins as in Vocabulary; a scan, as only a handful are looked up.
        List<String> texts = Arrays.asList(tokens);
        java.util.function.ToIntFunction<String> ids = text -> text == null ? -1 : texts.indexOf(text);
        int[] template = templateTokens(file.component("post_processor"), file);
        int bos = config.bosToken() != null ? ids.applyAsInt(config.bosToken()) : template[0];
        int eos = config.eosToken() != null ? ids.applyAsInt(config.eosToken()) : template[1];
        boolean addBos = config.addBos() != null ? config.addBos() : template[0] >= 0 || config.bosToken() != null;
        boolean addEos = config.addEos() != null ? config.addEos() : template[1] >= 0;
        int eot = END_OF_TURN.stream().mapToInt(ids).filter(i -> i >= 0).findFirst().orElse(-1);
        String unkText = file.model.hasNonNull("unk_token") ? file.model.get("unk_token").asText() : config.unkToken();
        SpecialTokens special = new SpecialTokens(bos, eos, eot, ids.applyAsInt("<|eom_id|>"), ids.applyAsInt(unkText),
                SpecialTokens.NONE, ids.applyAsInt(config.padToken()), SpecialTokens.NONE, SpecialTokens.NONE, addBos, addEos);
        return new Vocabulary(file.source, tokens, null, attrs, special);
    }

    /**
     * The special tokens a post-processor puts before and after a single text: {bos, eos}, -1 where none.
     * {@code ByteLevel} adds nothing; {@code TemplateProcessing} of the form [special?] $A [special?].
     */
    private static int[] templateTokens(JsonNode node, TokenizerJson file) {
        int[] result = {-1, -1};
        if (node == null) {
            return result;
        }
        switch (node.path("type").asText()) {
            case "ByteLevel" -> {
            }
            case "Sequence" -> {
                for (JsonNode n : node.path("processors")) {
                    int[] r = templateTokens(n, file);
                    result[0] = r[0] >= 0 ? r[0] : result[0];
                    result[1] = r[1] >= 0 ? r[1] : result[1];
                }
            }
            case "TemplateProcessing" -> {
                JsonNode single = node.path("single");
                int a = -1;
                for (int i = 0; i < single.size(); i++) {
                    if (single.get(i).has("Sequence")) {
                        a = i;
                    }
                }
                if (a < 0 || a > 1 || single.size() - a > 2) {
                    throw file.error("post_processor TemplateProcessing: only [special?] $A [special?] is supported: " + single);
                }
                if (a == 1) {
                    result[0] = templateId(node, single.get(0), file);
                }
                if (a + 1 < single.size()) {
                    result[1] = templateId(node, single.get(a + 1), file);
                }
            }
            default -> throw file.unsupported("post_processor", node);
        }
        return result;
    }

    private static int templateId(JsonNode processor, JsonNode item, TokenizerJson file) {
        String name = item.path("SpecialToken").path("id").asText(null);
        JsonNode ids = processor.path("special_tokens").path(name == null ? "" : name).path("ids");
        if (name == null || ids.size() != 1) {
            throw file.error("post_processor TemplateProcessing: cannot resolve " + item);
        }
        return ids.get(0).asInt();
    }

    /** The chat template of {@code tokenizer_config.json} (the one named "default", else the first), if any. */
    public Optional<String> chatTemplate() {
        return config.chatTemplates().defaultTemplate();
    }

    /** All chat templates of {@code tokenizer_config.json} by name; empty when it has none. */
    public ChatTemplates chatTemplates() {
        return config.chatTemplates();
    }

    @Override
    protected void encodeText(String text, boolean afterSpecial, IntList out) {
        String normalized = normalizer.apply(Utf16.replaceLoneSurrogates(text));
        List<String> words = new ArrayList<>();
        preTokenizer.split(normalized, words);
        for (String word : words) {
            model.encodeWord(word, out);
        }
    }

    @Override
    public byte[] pieceBytes(int id, boolean renderSpecial) {
        return decoder.pieceBytes(vocab, id, renderSpecial);
    }

    @Override
    public String decode(int[] ids, boolean renderSpecial) {
        return Tokenizer.concatenatePieces(this, ids, renderSpecial);
    }
}
