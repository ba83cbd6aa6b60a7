package dev.basalt.tokenizer;

/**
 * A vocabulary or tokenizer file is unusable (a missing or inconsistent key, a merge naming an unknown token), or
 * a call got an argument no tokenizer could honour (a token id out of range). The message names the source and
 * the key, token or id involved.
 */
public class TokenizerException extends RuntimeException {
    public TokenizerException(String message) {
        super(message);
    }

    public TokenizerException(String message, Throwable cause) {
        super(message, cause);
    }
}
