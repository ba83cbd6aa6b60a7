package dev.basalt.engine;

import dev.basalt.gguf.GgufFile;
import dev.basalt.gguf.GgufTensorInfo;
import dev.basalt.gguf.Metadata;
import dev.basalt.tensor.Tensor;
import java.lang.foreign.Arena;
import java.util.List;

/** A GGUF file as a {@link ModelSource}: every tensor is a view of the mapping, nothing is ever copied. */
record GgufModelSource(GgufFile file) implements ModelSource {

    @Override
    public String source() {
        return file.source();
    }

    @Override
    public Metadata metadata() {
        return file.metadata();
    }

    @Override
    public List<String> tensorNames() {
        return file.tensorInfos().stream().map(GgufTensorInfo::name).toList();
    }

    @Override
    public boolean hasTensor(String name) {
        return file.hasTensor(name);
    }

    @Override
    public Tensor tensor(String name) {
        return file.tensor(name);
    }

    @Override
    public Tensor tensor(String name, Arena copies) {
        return file.tensor(name);
    }

    @Override
    public void close() {
        file.close();
    }
}
