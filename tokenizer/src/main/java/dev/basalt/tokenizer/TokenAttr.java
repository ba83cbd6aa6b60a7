package dev.basalt.tokenizer;

/**
 * Per-token attribute bits, as llama.cpp keeps them ({@code llama_token_attr}): the GGUF token type mapped to a
 * bit, plus the added-token flags Hugging Face files carry (lstrip, rstrip, normalized, single_word).
 */
public final class TokenAttr {
    public static final int UNKNOWN = 1;
    public static final int UNUSED = 1 << 1;
    public static final int NORMAL = 1 << 2;
    public static final int CONTROL = 1 << 3;
    public static final int USER_DEFINED = 1 << 4;
    public static final int BYTE = 1 << 5;
    public static final int NORMALIZED = 1 << 6;
    public static final int LSTRIP = 1 << 7;
    public static final int RSTRIP = 1 << 8;
    public static final int SINGLE_WORD = 1 << 9;

    private TokenAttr() {
    }

    /**
     * The attribute of a GGUF {@code tokenizer.ggml.token_type} value: 1 normal, 2 unknown, 3 control,
     * 4 user-defined, 5 unused, 6 byte; anything else (0 = undefined) maps to NORMAL as llama.cpp does.
     */
    public static int fromGgufTokenType(int type) {
        return switch (type) {
            case 2 -> UNKNOWN;
            case 3 -> CONTROL;
            case 4 -> USER_DEFINED;
            case 5 -> UNUSED;
            case 6 -> BYTE;
            default -> NORMAL;
        };
    }

    /** Tokens that are text markers rather than text: split out of input before tokenizing (see {@link SpecialTokenSplitter}). */
    public static boolean isSpecial(int attr) {
        return (attr & (CONTROL | USER_DEFINED | UNKNOWN)) != 0;
    }
}
