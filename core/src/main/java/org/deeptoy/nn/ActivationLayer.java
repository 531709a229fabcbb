package org.deeptoy.nn;

import org.deeptoy.graph.ComputationalGraph;
import org.deeptoy.graph.Connection;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Random;

/** An activation (relu, tanh, ...) applied element by element; the shape stays. */
public record ActivationLayer(Activation activation) implements Layer {
    static final String KIND = "activation";

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
        return activation.apply(cg, x);
    }

    @Override
    public void writeSettings(DataOutput out) throws IOException {
        out.writeUTF(activation.name());
    }

    static ActivationLayer read(DataInput in) throws IOException {
        return new ActivationLayer(Activation.valueOf(in.readUTF()));
    }

    @Override
    public String toString() {
        return activation.toString();
    }
}
