package org.deeptoy.nn;

import org.deeptoy.graph.ComputationalGraph;
import org.deeptoy.graph.Connection;
import org.deeptoy.graph.DeepToyException;
import org.deeptoy.tensor.Shapes;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Random;

/** Max-pooling over size×size windows with stride size: [c, h, w] → [c, (h - size)/size + 1, (w - size)/size + 1]. */
public final class PoolLayer implements Layer {
    static final String KIND = "pool";
    private final int size;

    public PoolLayer(int size) {
        if (size <= 0) throw new DeepToyException("pool layer: size must be positive, got " + size);
        this.size = size;
    }

    @Override
    public String kind() {
        return KIND;
    }

    public int size() {
        return size;
    }

    @Override
    public int[] outputShape(int[] in) {
        if (in.length != 3) throw new DeepToyException("pool layer: takes images [channels, height, width], got " + Shapes.toString(in)
                + (in.length == 1 ? " (a pool layer cannot follow a dense layer)" : ""));
        return new int[] {in[0], (in[1] - size) / size + 1, (in[2] - size) / size + 1};
    }

    @Override
    public Connection build(ComputationalGraph cg, Connection x, int[] in, Random random) {
        outputShape(in);
        return cg.maxPool2d(x, size, size);
    }

    @Override
    public void writeSettings(DataOutput out) throws IOException {
        out.writeInt(size);
    }

    static PoolLayer read(DataInput in) throws IOException {
        return new PoolLayer(in.readInt());
    }

    @Override
    public String toString() {
        return "pool " + size;
    }
}
