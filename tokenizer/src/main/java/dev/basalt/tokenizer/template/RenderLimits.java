package dev.basalt.tokenizer.template;

/**
 * Bounds on one rendering, so that a hostile or broken template fails with a {@link TemplateException} of kind
 * {@link TemplateException.Kind#LIMIT} instead of hanging, exhausting memory, or overflowing the stack.
 *
 * @param maxOutputChars the most characters a rendering (and any one string it builds) may hold
 * @param maxIterations the most loop iterations and macro calls, all together
 * @param maxCallDepth the deepest nesting of macro calls and recursive loops
 */
public record RenderLimits(long maxOutputChars, long maxIterations, int maxCallDepth) {
    /** Far above what a real chat template needs: 8 M characters, 1 M iterations, 64 nested calls. */
    public static final RenderLimits DEFAULT = new RenderLimits(8L << 20, 1_000_000, 64);

    public RenderLimits {
        if (maxOutputChars < 1 || maxIterations < 1 || maxCallDepth < 1) {
            throw new IllegalArgumentException("render limits must be positive: " + maxOutputChars + ", "
                    + maxIterations + ", " + maxCallDepth);
        }
    }
}
