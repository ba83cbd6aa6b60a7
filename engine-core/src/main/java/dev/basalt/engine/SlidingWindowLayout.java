package dev.basalt.engine;

/**
 * How a family interleaves sliding-window (local) layers with global ones, as llama.cpp runs it: with period p,
 * layer l is local when {@code l % p < p - 1} (p = 2: even layers local; p = 6: five local, then one global). The
 * window itself is {@code <arch>.attention.sliding_window}; a file may override the period with
 * {@code <arch>.attention.sliding_window_pattern}.
 *
 * @param defaultPeriod the period when the file gives none
 * @param defaultWindow the window when the file gives none; 0: no window, every layer global
 * @param localRopeFollowsGlobal true: local layers use the global RoPE base and scaling unless
 *     {@code rope.freq_base_swa} is given (Gemma 2); false: local layers use {@code rope.freq_base_swa}, default
 *     10000, and no scaling (Gemma 3, whose global layers alone are context-extended)
 */
public record SlidingWindowLayout(int defaultPeriod, int defaultWindow, boolean localRopeFollowsGlobal) {

    public SlidingWindowLayout {
        if (defaultPeriod < 1 || defaultWindow < 0) {
            throw new IllegalArgumentException("sliding window period must be >= 1 and window >= 0: " + defaultPeriod
                    + ", " + defaultWindow);
        }
    }
}
