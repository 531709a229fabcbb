package org.deeptoy.nn;

import org.deeptoy.graph.ComputationalGraph;
import org.deeptoy.graph.Connection;
import org.deeptoy.tensor.Tensor;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.List;
import java.util.Random;

/**
 * Batch normalization per feature ([features]) or per channel ([channels, h, w]): learned γ
 * ("gamma" + suffix, ones) and β ("beta" + suffix, zeros), running mean and variance (constants
 * "runningMean" + suffix and "runningVar" + suffix, saved with the model).
 */
public final class BatchNormLayer implements Layer {
    static final String KIND = "batchNorm";
    private final String suffix;
    private Connection gamma, beta, mean, var;

    public BatchNormLayer(String suffix) {
        this.suffix = suffix;
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
        int c = in[0];
        gamma = cg.variable(Tensor.ones(c), "gamma" + suffix);
        beta = cg.variable(Tensor.zeros(c), "beta" + suffix);
        mean = cg.constant(Tensor.zeros(c), "runningMean" + suffix);
        var = cg.constant(Tensor.ones(c), "runningVar" + suffix);
        return cg.batchNorm(x, gamma, beta, mean, var);
    }

    @Override
    public List<Connection> parameters() {
        return gamma == null ? List.of() : List.of(gamma, beta, mean, var);
    }

    @Override
    public void writeSettings(DataOutput out) throws IOException {
        out.writeUTF(suffix);
    }

    static BatchNormLayer read(DataInput in) throws IOException {
        return new BatchNormLayer(in.readUTF());
    }

    @Override
    public String toString() {
        return "batchNorm";
    }
}
