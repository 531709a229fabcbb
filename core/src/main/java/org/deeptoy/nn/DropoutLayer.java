package org.deeptoy.nn;

import org.deeptoy.graph.ComputationalGraph;
import org.deeptoy.graph.Connection;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Random;

/** Dropout with probability p in training, the identity at inference (see {@link ComputationalGraph#dropout}). */
public record DropoutLayer(double p) implements Layer {
    static final String KIND = "dropout";

    public DropoutLayer {
        if (!(p >= 0 && p < 1)) throw new org.deeptoy.graph.DeepToyException("dropout layer: p is a probability in [0, 1), got " + p);
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public int[] outputShape(int[] in) {
        return in.clone();
    }

    @Override
    public Connection build(ComputationalGraph cg, Connection x, int[] in, Random random) {
        return cg.dropout(x, p);
    }

    @Override
    public void writeSettings(DataOutput out) throws IOException {
        out.writeDouble(p);
    }

    static DropoutLayer read(DataInput in) throws IOException {
        return new DropoutLayer(in.readDouble());
    }

    @Override
    public String toString() {
        return "dropout " + p;
    }
}
