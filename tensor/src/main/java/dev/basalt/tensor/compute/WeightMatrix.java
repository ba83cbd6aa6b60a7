package dev.basalt.tensor.compute;

import dev.basalt.tensor.GgmlType;

/**
 * A weight matrix prepared by a backend for multiplication: {@code rows} rows of {@code cols} values in
 * {@code type} (ggml shape {@code [cols, rows]}). The CPU backend keeps a view of the file mapping; a GPU backend
 * holds its device copy.
 */
public interface WeightMatrix {

    String name();

    GgmlType type();

    /** Length of one row: the input size of a product with this matrix. */
    int cols();

    /** Number of rows: the output size of a product with this matrix. */
    int rows();
}
