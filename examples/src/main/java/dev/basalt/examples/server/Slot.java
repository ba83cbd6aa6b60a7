package dev.basalt.examples.server;

import dev.basalt.engine.Generator;

/**
 * The right to run one request, lent by the {@link SlotPool}: holding a slot is what limits generation and
 * embedding requests alike to {@link ServerOptions#parallel()} at once.
 *
 * @param generator a generator with its own KV cache; null when the model is an embedding model (the embedder is
 *     shared by all slots: it is thread-safe)
 */
record Slot(Generator generator) {
}
