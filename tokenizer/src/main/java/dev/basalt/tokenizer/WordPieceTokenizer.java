package dev.basalt.tokenizer;

import dev.basalt.gguf.Metadata;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * WordPiece (BERT) as llama.cpp runs it ({@code tokenizer.ggml.model = "bert"}): the text is normalised and split
 * into words by {@link WordPieceSplitter}; each word, with {@code ▁} in front, is covered greedily by the longest
 * tokens from the left. The GGUF vocabulary marks word-initial tokens with {@code ▁} (BERT's "hello") and stores
 * continuations bare (BERT's "##llo"). A word that cannot be covered becomes the unknown token.
 */
public final class WordPieceTokenizer extends AbstractTokenizer {
    private final WordPieceSplitter words;
    private final PieceTable pieces;
    /** The longest token in chars: no match can be longer. */
    private final int maxTokenLength;

    public WordPieceTokenizer(Vocabulary vocab, boolean lowercase, boolean stripAccents) {
        super(vocab);
        this.words = new WordPieceSplitter(lowercase, stripAccents);
        this.pieces = new PieceTable(vocab);
        int longest = 0;
        for (int id = 0; id < vocab.size(); id++) {
            longest = Math.max(longest, vocab.token(id).length());
        }
        this.maxTokenLength = longest;
    }

    /**
     * The WordPiece tokenizer of GGUF metadata. Ids the file does not declare take llama.cpp's presets (start
     * token 101, or the declared CLS; unknown 100; SEP 102; pad 0; mask 103); {@code tokenizer.ggml.normalizer.lowercase}
     * defaults to true and {@code .strip_accents} to the lowercase setting, as in llama.cpp.
     */
    public static WordPieceTokenizer fromGguf(Metadata m) {
        Vocabulary vocab = Vocabulary.fromGguf(m, true, false);
        int cls = vocab.special().cls();
        int none = SpecialTokens.NONE;
        vocab = vocab.withDefaultSpecialIds(new SpecialTokens(cls != none ? cls : 101, none, none, none, 100, 102, 0,
                none, 103, true, false));
        boolean lowercase = m.getBoolean("tokenizer.ggml.normalizer.lowercase", true);
        boolean stripAccents = m.getBoolean("tokenizer.ggml.normalizer.strip_accents", lowercase);
        return new WordPieceTokenizer(vocab, lowercase, stripAccents);
    }

    /**
     * With {@code addSpecial}, BOS (BERT's CLS; CLS itself where no BOS is known) goes in front and SEP (else EOS) at
     * the end, as llama.cpp does for WordPiece whatever the add-BOS flag says.
     */
    @Override
    public int[] encode(String text, boolean addSpecial, boolean parseSpecial) {
        int[] body = super.encode(text, false, parseSpecial);
        if (!addSpecial) {
            return body;
        }
        SpecialTokens sp = vocab.special();
        int first = sp.bos() != SpecialTokens.NONE ? sp.bos() : sp.cls();
        int last = sp.sep() != SpecialTokens.NONE ? sp.sep() : sp.eos();
        IntList out = new IntList(body.length + 2);
        if (first != SpecialTokens.NONE) {
            out.add(first);
        }
        out.addAll(body);
        if (last != SpecialTokens.NONE) {
            out.add(last);
        }
        return out.toArray();
    }

    @Override
    protected void encodeText(String text, boolean afterSpecial, IntList out) {
        IntList wordIds = new IntList();
        for (String word : words.split(text)) {
            wordIds.clear();
            if (coverGreedily(PieceTable.SPACE_MARK + word, wordIds)) {
                for (int i = 0; i < wordIds.size(); i++) {
                    out.add(wordIds.get(i));
                }
            } else {
                int unk = vocab.special().unk();
                if (unk == SpecialTokens.NONE) {
                    throw new TokenizerException(vocab.source() + ": the word \"" + word
                            + "\" has no WordPiece cover and the vocabulary has no unknown token");
                }
                out.add(unk);
            }
        }
    }

    /** Longest match first from the left; false when some position starts no token. */
    private boolean coverGreedily(String word, IntList out) {
        int n = word.length();
        for (int i = 0; i < n; ) {
            int found = -1;
            int j = Math.min(n, i + maxTokenLength);
            for (; j > i; j--) {
                found = vocab.id(word.substring(i, j));
                if (found >= 0) {
                    break;
                }
            }
            if (found < 0) {
                return false;
            }
            out.add(found);
            i = j;
        }
        return true;
    }

    @Override
    public byte[] pieceBytes(int id, boolean renderSpecial) {
        return pieces.piece(id, renderSpecial);
    }

    /**
     * Words separated by single spaces, continuations joined to their word, rendered special tokens standing as
     * words, then Hugging Face's {@code clean_up_tokenization} (no space before . , ! ? and English contractions).
     */
    @Override
    public String decode(int[] ids, boolean renderSpecial) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int id : ids) {
            byte[] piece = pieces.pieceView(id, renderSpecial);
            if (piece.length == 0) {
                continue;
            }
            if (TokenAttr.isSpecial(vocab.attr(id)) && out.size() > 0) {
                out.write(' ');
            }
            out.writeBytes(piece);
        }
        String text = out.toString(StandardCharsets.UTF_8);
        return cleanUpSpaces(text.startsWith(" ") ? text.substring(1) : text);
    }

    private static String cleanUpSpaces(String s) {
        return s.replace(" .", ".").replace(" ?", "?").replace(" !", "!").replace(" ,", ",").replace(" ' ", "'")
                .replace(" n't", "n't").replace(" 'm", "'m").replace(" 's", "'s").replace(" 've", "'ve")
                .replace(" 're", "'re");
    }
}
