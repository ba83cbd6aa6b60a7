package dev.basalt.kernels.gpu;

import dev.basalt.tensor.GgmlType;
import dev.basalt.tensor.compute.WeightMatrix;

/**
 * A weight matrix uploaded to the device. {@code type} is the file's format; {@code deviceType} the one the
 * device holds, different when the file's format has no kernel here and was converted at upload (see
 * {@link WeightUpload}).
 */
final class OpenClWeightMatrix implements WeightMatrix {
    private final String name;
    private final GgmlType type;
    final GgmlType deviceType;
    final DeviceBuffer buffer;
    private final int cols;
    private final int rows;

    OpenClWeightMatrix(String name, GgmlType type, GgmlType deviceType, DeviceBuffer buffer, int cols, int rows) {
        this.name = name;
        this.type = type;
        this.deviceType = deviceType;
        this.buffer = buffer;
        this.cols = cols;
        this.rows = rows;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public GgmlType type() {
        return type;
    }

    @Override
    public int cols() {
        return cols;
    }

    @Override
    public int rows() {
        return rows;
    }

    @Override
    public String toString() {
        return name + " [" + cols + " x " + rows + "] " + type + (deviceType != type ? " (as " + deviceType + " on the device)" : "");
    }
}
