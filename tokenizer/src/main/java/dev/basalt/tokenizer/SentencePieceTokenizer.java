package dev.basalt.tokenizer;

import dev.basalt.gguf.Metadata;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.PriorityQueue;

/**
 * SentencePiece BPE as llama.cpp runs it ({@code tokenizer.ggml.model = "llama"}): the text, spaces written as
 * {@code ▁}, starts as one symbol per character; adjacent symbols whose concatenation is a token merge, the
 * highest-scoring token first (leftmost on ties), until no pair forms a token. A character that is no token
 * falls back to its UTF-8 bytes as {@code <0xNN>} tokens, or to the unknown token where the vocabulary has none.
 */
public final class SentencePieceTokenizer extends AbstractTokenizer {
    /** llama.cpp's preset ids for this tokenizer type, used where the file declares none. */
    private static final SpecialTokens DEFAULT_IDS = new SpecialTokens(1, 2, SpecialTokens.NONE, SpecialTokens.NONE,
            0, SpecialTokens.NONE, SpecialTokens.NONE, SpecialTokens.NONE, SpecialTokens.NONE, true, false);

    private final boolean addSpacePrefix;
    private final PieceTable pieces;
    /** The {@code <0xNN>} token of each byte value, -1 where the vocabulary lacks it. */
    private final int[] byteTokens = new int[256];

    /**
     * @param addSpacePrefix put a space in front of the text and of text following a special token, as
     *     SentencePiece's {@code add_dummy_prefix} does
     */
    public SentencePieceTokenizer(Vocabulary vocab, boolean addSpacePrefix) {
        super(vocab);
        this.addSpacePrefix = addSpacePrefix;
        this.pieces = new PieceTable(vocab);
        Arrays.fill(byteTokens, -1);
        for (int id = 0; id < vocab.size(); id++) {
            if (vocab.is(id, TokenAttr.BYTE)) {
                int b = PieceTable.byteValue(vocab, id);
                if (byteTokens[b] < 0) {
                    byteTokens[b] = id;
                }
            }
        }
    }

    /** The SentencePiece tokenizer of GGUF metadata; {@code tokenizer.ggml.add_space_prefix} defaults to true. */
    public static SentencePieceTokenizer fromGguf(Metadata m) {
        Vocabulary vocab = Vocabulary.fromGguf(m, true, false).withDefaultSpecialIds(DEFAULT_IDS);
        return new SentencePieceTokenizer(vocab, m.getBoolean("tokenizer.ggml.add_space_prefix", true));
    }

    public boolean addsSpacePrefix() {
        return addSpacePrefix;
    }

    @Override
    protected void encodeText(String text, boolean afterSpecial, IntList out) {
        String prefixed = addSpacePrefix && afterSpecial ? " " + text : text;
        new Merge(prefixed.replace(" ", PieceTable.SPACE_MARK)).run(out);
    }

    @Override
    public byte[] pieceBytes(int id, boolean renderSpecial) {
        return pieces.piece(id, renderSpecial);
    }

    /**
     * Concatenates the pieces, dropping the space the encoder put at the start and after each control or
     * user-defined token (where {@code add_space_prefix} is on), so that decoding what {@link #encode} gave returns
     * the text.
     */
    @Override
    public String decode(int[] ids, boolean renderSpecial) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        boolean dropSpace = addSpacePrefix;
        for (int id : ids) {
            byte[] piece = pieces.pieceView(id, renderSpecial);
            if (vocab.is(id, TokenAttr.CONTROL | TokenAttr.USER_DEFINED)) {
                out.writeBytes(piece);
                dropSpace = addSpacePrefix;
            } else if (piece.length > 0) {
                int from = dropSpace && piece[0] == ' ' ? 1 : 0;
                out.write(piece, from, piece.length - from);
                dropSpace = false;
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** A pair of adjacent symbols whose concatenation is the token with {@code score}; {@code length} in chars. */
    private record Bigram(int left, int right, float score, int length) {
    }

    /**
     * One run of the merge over one piece of text. Symbols are spans [start, end) of the text linked as a list;
     * a symbol merged into its left neighbour becomes empty. Queue entries made stale by later merges are
     * recognised and skipped when popped, so each merge costs O(log n).
     */
    private final class Merge {
        private final String text;
        private final int[] start;
        private final int[] end;
        private final int[] prev;
        private final int[] next;
        private final PriorityQueue<Bigram> queue = new PriorityQueue<>((a, b) ->
                a.score > b.score ? -1 : a.score < b.score ? 1 : Integer.compare(a.left, b.left));

        Merge(String text) {
            this.text = text;
            int n = text.codePointCount(0, text.length());
            start = new int[n];
            end = new int[n];
            prev = new int[n];
            next = new int[n];
            for (int i = 0, offset = 0; i < n; i++) {
                start[i] = offset;
                offset += Character.charCount(text.codePointAt(offset));
                end[i] = offset;
                prev[i] = i - 1;
                next[i] = i + 1 < n ? i + 1 : -1;
            }
        }

        void run(IntList out) {
            int n = start.length;
            if (n == 0) {
                return;
            }
            for (int i = 1; i < n; i++) {
                offer(i - 1, i);
            }
            while (!queue.isEmpty()) {
                Bigram b = queue.poll();
                if (isEmpty(b.left) || isEmpty(b.right) || end[b.right] - start[b.left] != b.length) {
                    continue; // one side was merged into something else since this pair was queued
                }
                end[b.left] = end[b.right];
                end[b.right] = start[b.right];
                next[b.left] = next[b.right];
                if (next[b.left] >= 0) {
                    prev[next[b.left]] = b.left;
                }
                offer(prev[b.left], b.left);
                offer(b.left, next[b.left]);
            }
            for (int i = 0; i >= 0; i = next[i]) {
                emit(text.substring(start[i], end[i]), out);
            }
        }

        private boolean isEmpty(int symbol) {
            return end[symbol] == start[symbol];
        }

        private void offer(int left, int right) {
            if (left < 0 || right < 0) {
                return;
            }
            int id = vocab.id(text.substring(start[left], end[right]));
            if (id >= 0) {
                queue.add(new Bigram(left, right, vocab.score(id), end[right] - start[left]));
            }
        }
    }

    /** A final symbol: a token when it is one (every merge result is), else its bytes or the unknown token. */
    private void emit(String symbol, IntList out) {
        int id = vocab.id(symbol);
        if (id >= 0) {
            out.add(id);
            return;
        }
        byte[] bytes = symbol.getBytes(StandardCharsets.UTF_8);
        for (byte b : bytes) {
            if (byteTokens[b & 0xFF] < 0) {
                int unk = vocab.special().unk();
                if (unk == SpecialTokens.NONE) {
                    throw new TokenizerException(vocab.source() + ": \"" + symbol + "\" is not in the vocabulary, which has"
                            + " neither a byte token <0x" + String.format("%02X", b & 0xFF) + "> nor an unknown token");
                }
                out.add(unk);
                return;
            }
        }
        for (byte b : bytes) {
            out.add(byteTokens[b & 0xFF]);
        }
    }
}
