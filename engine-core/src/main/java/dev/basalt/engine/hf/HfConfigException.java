package dev.basalt.engine.hf;

import dev.basalt.gguf.ModelFormatException;

/** A field of a Hugging Face JSON file ({@code config.json}, {@code generation_config.json}) is missing or invalid. */
public final class HfConfigException extends ModelFormatException {
    private final String field;

    public HfConfigException(String file, String field, String problem) {
        super(file, -1, "field '" + field + "': " + problem);
        this.field = field;
    }

    /** The JSON field, e.g. {@code hidden_size} or {@code rope_scaling.factor}. */
    public String field() {
        return field;
    }
}
