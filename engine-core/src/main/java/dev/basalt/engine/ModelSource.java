package dev.basalt.engine;

import dev.basalt.engine.hf.HuggingFaceModel;
import dev.basalt.gguf.GgufFile;
import dev.basalt.gguf.Metadata;
import dev.basalt.tensor.Tensor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A model's weights and GGUF-style metadata, whatever shape they arrived in: a GGUF file, or a Hugging Face folder
 * whose {@code config.json} and tensor names are mapped to GGUF's ({@link HuggingFaceModel}). {@link Model} and the
 * GGUF writer ({@code dev.basalt.engine.convert}) read only this view, so both shapes load, run and convert alike.
 *
 * <p>Tensor names and shapes are GGUF's ({@code blk.N.attn_q.weight}, ggml order, innermost dimension first).
 */
public interface ModelSource extends AutoCloseable {

    /** The file or folder, for messages. */
    String source();

    /** GGUF metadata: the file's own, or the keys llama.cpp's converter would write for a Hugging Face folder. */
    Metadata metadata();

    /** Every tensor, by GGUF name, in the order a GGUF file of this model holds them. */
    List<String> tensorNames();

    boolean hasTensor(String name);

    /**
     * The tensor {@code name}: a view of the mapping, or, where a layout transform forces a copy (see
     * {@link HuggingFaceModel}), a copy that lives until {@link #close()}.
     *
     * @throws dev.basalt.gguf.ModelFormatException when there is no such tensor
     */
    Tensor tensor(String name);

    /** The ggml shape of tensor {@code name}, without copying anything. */
    default long[] shape(String name) {
        return tensor(name).shape();
    }

    /** The type {@link #tensor(String)} has, without copying anything. */
    default dev.basalt.tensor.GgmlType type(String name) {
        return tensor(name).type();
    }

    /** As {@link #tensor(String)}, but a copy a transform needs lives in {@code copies} (the caller's lifetime). */
    Tensor tensor(String name, Arena copies);

    /** The model's recommended sampling: the GGUF {@code general.sampling.*} keys, when present. */
    default GenerationDefaults generationDefaults() {
        return GenerationDefaults.fromMetadata(metadata());
    }

    /** The model's tokenizer: from GGUF {@code tokenizer.ggml.*} metadata, or a folder's {@code tokenizer.json}. */
    default java.util.Optional<dev.basalt.tokenizer.Tokenizer> tokenizer() {
        return metadata().has("tokenizer.ggml.model")
                ? java.util.Optional.of(dev.basalt.tokenizer.Tokenizers.fromGguf(metadata())) : java.util.Optional.empty();
    }

    /** Unmaps the files and frees any copies. */
    @Override
    void close();

    /**
     * Opens a GGUF file, or a Hugging Face model folder (a directory with {@code config.json}).
     *
     * @throws dev.basalt.gguf.ModelFormatException when a file is malformed
     */
    static ModelSource open(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            return HuggingFaceModel.open(path);
        }
        return of(GgufFile.open(path));
    }

    /** A view of an open GGUF file; closing the view closes the file. */
    static ModelSource of(GgufFile file) {
        return new GgufModelSource(file);
    }
}
