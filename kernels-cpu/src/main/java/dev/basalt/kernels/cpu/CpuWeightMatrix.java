package dev.basalt.kernels.cpu;

import dev.basalt.tensor.GgmlType;
import dev.basalt.tensor.Tensor;
import dev.basalt.tensor.compute.WeightMatrix;
import java.lang.foreign.MemorySegment;

/** A weight matrix of the CPU backend: the tensor's view of the file mapping (no copy) and its row kernel. */
final class CpuWeightMatrix implements WeightMatrix {
    private final Tensor tensor;
    private final int cols;
    private final int rows;
    private final long rowBytes;
    final RowKernel kernel;

    CpuWeightMatrix(Tensor tensor) {
        if (tensor.rank() < 1 || tensor.rank() > 2) {
            throw new IllegalArgumentException("tensor '" + tensor.name() + "' is not a matrix: " + tensor);
        }
        if (tensor.dim(0) > Integer.MAX_VALUE || tensor.dim(1) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("tensor '" + tensor.name() + "' is too large for the CPU backend: " + tensor);
        }
        this.tensor = tensor;
        this.cols = (int) tensor.dim(0);
        this.rows = (int) tensor.dim(1);
        this.rowBytes = tensor.rowBytes();
        this.kernel = RowKernel.forType(tensor.type());
    }

    @Override
    public String name() {
        return tensor.name();
    }

    @Override
    public GgmlType type() {
        return tensor.type();
    }

    @Override
    public int cols() {
        return cols;
    }

    @Override
    public int rows() {
        return rows;
    }

    MemorySegment data() {
        return tensor.data();
    }

    long rowBytes() {
        return rowBytes;
    }

    @Override
    public String toString() {
        return tensor.toString();
    }
}
