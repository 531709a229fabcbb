package org.deeptoy.nn;

import org.deeptoy.graph.ComputationalGraph;
import org.deeptoy.graph.Connection;
import org.deeptoy.graph.DeepToyException;
import org.deeptoy.tensor.Shapes;
import org.deeptoy.tensor.Tensor;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.List;
import java.util.Random;

/**
 * A convolution with "same" padding (size / 2) and stride 1, plus a bias per filter: x [n, c, h, w],
 * filters K [filters, c, size, size] ("K" + suffix), bias [1, filters, 1, 1] ("c" + suffix).
 */
public final class ConvLayer implements Layer {
    static final String KIND = "conv";
    private final int filters, size;
    private final Init init;
    private final String suffix;
    private Connection k, c;

    public ConvLayer(int filters, int size, Init init, String suffix) {
        if (filters <= 0 || size <= 0) throw new DeepToyException("conv layer: filters and size must be positive, got " + filters + " and " + size);
        this.filters = filters;
        this.size = size;
        this.init = init;
        this.suffix = suffix;
    }

    @Override
    public String kind() {
        return KIND;
    }

    public int filters() {
        return filters;
    }

    public int size() {
        return size;
    }

    @Override
    public int[] outputShape(int[] in) {
        if (in.length != 3) {
            throw new DeepToyException("conv layer K" + suffix + ": takes images [channels, height, width], got " + Shapes.toString(in)
                    + (in.length == 1 ? " (a conv layer cannot follow a dense layer)" : ""));
        }
        int pad = size / 2;
        return new int[] {filters, in[1] + 2 * pad - size + 1, in[2] + 2 * pad - size + 1};
    }

    @Override
    public Connection build(ComputationalGraph cg, Connection x, int[] in, Random random) {
        outputShape(in);
        int fanIn = in[0] * size * size;
        k = cg.variable(init.weights(random, fanIn, filters * size * size, filters, in[0], size, size), "K" + suffix);
        c = cg.variable(Tensor.zeros(1, filters, 1, 1), "c" + suffix);
        return cg.sum(cg.conv2d(x, k, 1, size / 2), c);
    }

    /** The filters K [filters, channels, size, size] (null before build). */
    public Connection filtersConnection() {
        return k;
    }

    @Override
    public List<Connection> weights() {
        return k == null ? List.of() : List.of(k);
    }

    @Override
    public List<Connection> parameters() {
        return k == null ? List.of() : List.of(k, c);
    }

    @Override
    public void writeSettings(DataOutput out) throws IOException {
        out.writeInt(filters);
        out.writeInt(size);
        out.writeUTF(init.name());
        out.writeUTF(suffix);
    }

    static ConvLayer read(DataInput in) throws IOException {
        return new ConvLayer(in.readInt(), in.readInt(), Init.valueOf(in.readUTF()), in.readUTF());
    }

    @Override
    public String toString() {
        return "conv " + filters + "x" + size;
    }
}
