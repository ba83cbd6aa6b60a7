package dev.basalt.engine;

/**
 * RoPE position scaling from {@code <arch>.rope.scaling.type} / {@code .factor} (or the older
 * {@code <arch>.rope.scale_linear}). Only {@code none} and {@code linear} are run today; the others are read so
 * that loading can refuse them by name.
 *
 * @param type {@code none}, {@code linear}, {@code yarn}, {@code longrope}, ...
 * @param factor the context extension factor (1 for none)
 */
public record RopeScaling(String type, float factor) {
    public static final RopeScaling NONE = new RopeScaling("none", 1.0f);

    /** ggml's freq_scale: positions are multiplied by it. */
    public float positionScale() {
        return type.equals("linear") && factor != 0 ? 1.0f / factor : 1.0f;
    }
}
