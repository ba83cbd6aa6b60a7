package dev.basalt.tokenizer;

import java.util.List;

/**
 * What every tokenizer type shares: special tokens are split out first, the text between them is tokenized by
 * the subclass, and BOS / EOS are added when asked for.
 */
public abstract class AbstractTokenizer implements Tokenizer {
    protected final Vocabulary vocab;
    private final SpecialTokenSplitter splitter;

    protected AbstractTokenizer(Vocabulary vocab) {
        this.vocab = vocab;
        this.splitter = new SpecialTokenSplitter(vocab);
    }

    @Override
    public Vocabulary vocabulary() {
        return vocab;
    }

    @Override
    public int[] encode(String text, boolean addSpecial, boolean parseSpecial) {
        IntList out = new IntList(Math.max(16, text.length() / 3));
        SpecialTokens sp = vocab.special();
        if (addSpecial && sp.addBos() && sp.bos() != SpecialTokens.NONE) {
            out.add(sp.bos());
        }
        boolean afterSpecial = true; // the start of the text counts as following a special token
        List<SpecialTokenSplitter.Fragment> fragments = splitter.split(text, parseSpecial);
        for (SpecialTokenSplitter.Fragment f : fragments) {
            if (f.isToken()) {
                out.add(f.token());
                afterSpecial = true;
            } else {
                encodeText(f.text(), afterSpecial, out);
                afterSpecial = false;
            }
        }
        if (addSpecial && sp.addEos() && sp.eos() != SpecialTokens.NONE) {
            out.add(sp.eos());
        }
        return out.toArray();
    }

    /**
     * Tokenizes text that holds no special token.
     *
     * @param afterSpecial whether the text starts the input or follows a special token (SentencePiece adds its
     *     space prefix only there)
     */
    protected abstract void encodeText(String text, boolean afterSpecial, IntList out);
}
