package dev.basalt.tokenizer;

import dev.basalt.gguf.Metadata;
import dev.basalt.gguf.MetadataException;
import java.util.ArrayList;
import java.util.List;

/**
 * Byte-level BPE as llama.cpp runs it for GGUF {@code tokenizer.ggml.model = "gpt2"}: the text is split by the
 * family's pre-tokenizer regexes ({@code tokenizer.ggml.pre}), each piece's UTF-8 bytes are written as GPT-2 byte
 * characters, and the merge rules of {@code tokenizer.ggml.merges} are applied by rank.
 */
public final class BytePairTokenizer extends AbstractTokenizer {
    static final String MERGES_KEY = "tokenizer.ggml.merges";
    static final String PRE_KEY = "tokenizer.ggml.pre";

    private final BpePreTokenizers.Family family;
    private final LlamaRegexSplitter preTokenizer;
    private final BpeModel model;

    private BytePairTokenizer(Vocabulary vocab, BpePreTokenizers.Family family, BpeModel model) {
        super(vocab);
        this.family = family;
        this.preTokenizer = new LlamaRegexSplitter(family.regexes());
        this.model = model;
    }

    /**
     * The tokenizer of GGUF metadata. A missing {@code tokenizer.ggml.pre} means llama.cpp's "default" family
     * (llama.cpp's own fallback); an unknown one is an error naming the value and the supported ones.
     *
     * @throws MetadataException when {@code tokenizer.ggml.merges} is missing or not a string array
     * @throws TokenizerException when {@code tokenizer.ggml.pre} is unknown or a merge names an unknown token
     */
    public static BytePairTokenizer fromGguf(Metadata m) {
        String source = m.source();
        BpePreTokenizers.Family family = BpePreTokenizers.forPre(source, m.getString(PRE_KEY, BpePreTokenizers.DEFAULT));
        if (!m.has(MERGES_KEY)) {
            throw new MetadataException(source, MERGES_KEY, "missing; a gpt2 (byte-level BPE) vocabulary needs its merge rules");
        }
        String[] rules = m.getStringArray(MERGES_KEY);
        Vocabulary vocab = Vocabulary.fromGguf(m, family.addBos(), false);
        BpeMergeTable merges = BpeModel.mergeTable(vocab, new BpeModel.MergeSource() {
            @Override
            public int size() {
                return rules.length;
            }

            @Override
            public String[] pair(int i) {
                // llama.cpp splits at the first space after the first character (a token may be a lone space).
                int space = rules[i].indexOf(' ', 1);
                if (space < 0) {
                    throw new MetadataException(source, MERGES_KEY, "entry " + i + " \"" + rules[i] + "\" is not two tokens separated by a space");
                }
                return new String[] {rules[i].substring(0, space), rules[i].substring(space + 1)};
            }
        }, source + " (" + MERGES_KEY + ")");
        return new BytePairTokenizer(vocab, family,
                new BpeModel(vocab, merges, family.ignoreMerges(), false, SpecialTokens.NONE, false));
    }

    /** The pre-tokenizer family ({@code tokenizer.ggml.pre}) in use. */
    public String preTokenizer() {
        return family.name();
    }

    @Override
    protected void encodeText(String text, boolean afterSpecial, IntList out) {
        List<String> words = new ArrayList<>();
        preTokenizer.split(Utf16.replaceLoneSurrogates(text), words);
        for (String word : words) {
            model.encodeWord(ByteLevelMapping.encode(word), out);
        }
    }

    @Override
    public byte[] pieceBytes(int id, boolean renderSpecial) {
        return PieceDecoder.BYTE_LEVEL.pieceBytes(vocab, id, renderSpecial);
    }

    @Override
    public String decode(int[] ids, boolean renderSpecial) {
        return Tokenizer.concatenatePieces(this, ids, renderSpecial);
    }
}
