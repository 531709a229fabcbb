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

/** A dense (fully connected) layer {@code y = x·W + b}: x [n, in], W [in, units] ("W" + suffix), b [units] ("b" + suffix, zeros). */
public final class DenseLayer implements Layer {
    static final String KIND = "dense";
    private final int units;
    private final Init init;
    private final String suffix;
    private Connection w, b;

    public DenseLayer(int units, Init init, String suffix) {
        if (units <= 0) throw new DeepToyException("dense layer: units must be positive, got " + units);
        this.units = units;
        this.init = init;
        this.suffix = suffix;
    }

    @Override
    public String kind() {
        return KIND;
    }

    public int units() {
        return units;
    }

    public Init init() {
        return init;
    }

    @Override
    public int[] outputShape(int[] in) {
        if (in.length != 1) {
            throw new DeepToyException("dense layer W" + suffix + ": takes examples of one axis (features), got " + Shapes.toString(in)
                    + "; put a flatten layer before it");
        }
        return new int[] {units};
    }

    @Override
    public Connection build(ComputationalGraph cg, Connection x, int[] in, Random random) {
        outputShape(in);
        int features = in[0];
        w = cg.variable(init.weights(random, features, units, features, units), "W" + suffix);
        b = cg.variable(Tensor.zeros(units), "b" + suffix);
        return cg.sum(cg.matrixMultiply(x, w), b);
    }

    /** The weight matrix W [in, units] (null before build). */
    public Connection w() {
        return w;
    }

    @Override
    public List<Connection> weights() {
        return w == null ? List.of() : List.of(w);
    }

    @Override
    public List<Connection> parameters() {
        return w == null ? List.of() : List.of(w, b);
    }

    @Override
    public void writeSettings(DataOutput out) throws IOException {
        out.writeInt(units);
        out.writeUTF(init.name());
        out.writeUTF(suffix);
    }

    static DenseLayer read(DataInput in) throws IOException {
        return new DenseLayer(in.readInt(), Init.valueOf(in.readUTF()), in.readUTF());
    }

    @Override
    public String toString() {
        return "dense " + units;
    }
}
