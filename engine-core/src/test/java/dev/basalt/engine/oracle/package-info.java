/**
 * The live llama.cpp oracle and the synthetic-model generator, in test scope only.
 *
 * <ul>
 * <li>{@link dev.basalt.engine.oracle.LlamaCppOracle}: llama.cpp build b4916 (the native library bundled by the
 *     test dependency {@code de.kherud:llama:4.2.0}, bound with FFM; its Java API is not used) on any GGUF file:
 *     tokenize, prompt logits at every position, single-token decodes, greedy runs. Settings are those of the
 *     stored references in {@code testdata/models}.
 * <li>{@link dev.basalt.engine.oracle.LlamaCppReference}: one stored reference run (JSON and {@code .f32}).
 * <li>{@link dev.basalt.engine.oracle.SyntheticLlama}: random-weight llama GGUF files of any shape and weight
 *     format, written with Basalt's GGUF writer and reference quantizers.
 * </ul>
 *
 * <p>Typical use in a forward-pass test:
 * <pre>{@code
 * SyntheticLlama.Spec spec = SyntheticLlama.Spec.llama(256, 2, 8, 2, 200, 400).withWeightType(GgmlType.Q4_K); // ffn_down (rows of 200): F16
 * SyntheticLlama.write(spec, file);
 * try (LlamaCppOracle oracle = LlamaCppOracle.open(file, 256)) {
 *     LlamaCppOracle.Greedy expected = oracle.run(prompt, 16);
 *     // compare Basalt's logits with expected.rows()
 * }
 * }</pre>
 *
 * <p>Tests that use the oracle are tagged {@code oracle} (and {@code testdata} when they read the shared
 * references). If the native library cannot be loaded they fail with
 * {@link dev.basalt.engine.oracle.LlamaCppUnavailableException}, never skip. llama.cpp's log is captured
 * (its warnings and errors appear in exception messages); {@code -Dbasalt.oracle.log=true} echoes it to stderr.
 * The library is built for x86-64 with AVX2, FMA and F16C; it starts no Java thread, so the JVM exits normally.
 */
package dev.basalt.engine.oracle;
