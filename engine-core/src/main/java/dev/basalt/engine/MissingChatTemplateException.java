package dev.basalt.engine;

/** A chat was asked of a model that ships no chat template, and none was given. */
public final class MissingChatTemplateException extends RuntimeException {
    public MissingChatTemplateException(String source) {
        super(source + " has no chat template (no tokenizer.chat_template in its metadata)");
    }
}
