package dev.basalt.engine.hf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.basalt.engine.Model;
import dev.basalt.engine.UnsupportedModelException;
import dev.basalt.gguf.ModelFormatException;
import dev.basalt.gguf.SafetensorsBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Broken Hugging Face folders: each gets a dedicated error naming the file and the field, tensor or shard. */
@Tag("testdata")
class HuggingFaceModelErrorsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void safetensorsHeaderClaimingMoreBytesThanTheFile() throws IOException {
        Path folder = HfFolderFixture.write("qwen2", tmp.resolve("m"), 1);
        Path weights = folder.resolve("model.safetensors");
        long size = Files.size(weights);
        try (var ch = Files.newByteChannel(weights, StandardOpenOption.WRITE)) {
            ch.truncate(size - 100); // the header's last data_offsets now point past the end
        }
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> Model.load(folder));
        assertTrue(e.getMessage().contains(weights.toString()) && e.getMessage().contains("data_offsets"), e.getMessage());
    }

    @Test
    void configMissingARequiredField() throws IOException {
        Path folder = HfFolderFixture.write("llama", tmp.resolve("m"), 1);
        ObjectNode config = (ObjectNode) JSON.readTree(folder.resolve("config.json").toFile());
        config.remove("hidden_size");
        JSON.writeValue(folder.resolve("config.json").toFile(), config);
        HfConfigException e = assertThrows(HfConfigException.class, () -> Model.load(folder));
        assertEquals("hidden_size", e.field());
        assertTrue(e.getMessage().startsWith(folder.resolve("config.json").toString()), e.getMessage());

        config.put("hidden_size", "128");
        JSON.writeValue(folder.resolve("config.json").toFile(), config);
        e = assertThrows(HfConfigException.class, () -> Model.load(folder));
        assertTrue(e.getMessage().contains("'hidden_size': must be a positive whole number"), e.getMessage());

        Files.delete(folder.resolve("config.json"));
        NoSuchFileException missing = assertThrows(NoSuchFileException.class, () -> Model.load(folder));
        assertEquals(folder.resolve("config.json").toString(), missing.getFile());
    }

    @Test
    void shardListedInTheIndexIsMissing() throws IOException {
        Path folder = HfFolderFixture.write("qwen2", tmp.resolve("m"), 3);
        Path shard = folder.resolve("model-00002-of-00003.safetensors");
        Files.delete(shard);
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> Model.load(folder));
        assertEquals(shard.toString(), e.getFile());
        assertTrue(e.getReason().contains("model.safetensors.index.json"), e.getReason());
    }

    @Test
    void tensorMissingFromEveryShard() throws IOException {
        Path folder = HfFolderFixture.write("qwen2", tmp.resolve("m"), 1);
        ObjectNode config = (ObjectNode) JSON.readTree(folder.resolve("config.json").toFile());
        config.put("num_hidden_layers", 3); // the weights hold two layers
        JSON.writeValue(folder.resolve("config.json").toFile(), config);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> Model.load(folder));
        assertTrue(e.getMessage().contains("blk.2."), e.getMessage());
    }

    @Test
    void unsupportedDtype() throws IOException {
        Path folder = HfFolderFixture.write("qwen2", tmp.resolve("m"), 1);
        Path extra = folder.resolve("model.safetensors");
        Files.delete(extra);
        new SafetensorsBuilder().tensor("model.embed_tokens.weight", "I8", new long[] {4, 4}, new byte[16]).write(extra);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> Model.load(folder));
        assertTrue(e.getMessage().contains(extra.toString()) && e.getMessage().contains("model.embed_tokens.weight")
                && e.getMessage().contains("dtype I8"), e.getMessage());
    }

    @Test
    void architectureBasaltDoesNotRun() throws IOException {
        Path folder = HfFolderFixture.write("llama", tmp.resolve("m"), 1);
        ObjectNode config = (ObjectNode) JSON.readTree(folder.resolve("config.json").toFile());
        config.putArray("architectures").add("MambaForCausalLM");
        JSON.writeValue(folder.resolve("config.json").toFile(), config);
        UnsupportedModelException e = assertThrows(UnsupportedModelException.class, () -> Model.load(folder));
        assertTrue(e.getMessage().contains("MambaForCausalLM") && e.getMessage().contains("LlamaForCausalLM"), e.getMessage());
    }
}
