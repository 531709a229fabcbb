package org.deeptoy.nn;

import org.deeptoy.graph.ComputationalGraph;
import org.deeptoy.graph.Connection;
import org.deeptoy.graph.DeepToyException;
import org.deeptoy.tensor.Shapes;
import org.deeptoy.tensor.Tensor;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A residual block (He et al., 2015): two 3×3 convolutions F(x) = bn(conv(relu(bn(conv(x))))) and the
 * skip, y = relu(F(x) + x). When the block changes the number of channels the skip is a 1×1
 * convolution of x (a projection) instead of x itself. The picture stays the same size.
 *
 * <p>Without the skip ({@code skip} false) it is the same two convolutions, y = relu(F(x)): a plain
 * block of the same depth, to compare with. Without batch norm ({@code norm} false) each conv gets a
 * bias instead. Variables for suffix k: filters "K" + k + "a", "K" + k + "b" (and "K" + k + "s" for a
 * projection), batch norm "gamma" + k + "a", ... or biases "c" + k + "a", ...
 */
public final class ResidualLayer implements Layer {
    static final String KIND = "residual";
    private final int channels;
    private final boolean skip, norm;
    private final String suffix;
    private final List<Connection> weights = new ArrayList<>(), parameters = new ArrayList<>();

    public ResidualLayer(int channels, boolean skip, boolean norm, String suffix) {
        if (channels <= 0) throw new DeepToyException("residual block: channels must be positive, got " + channels);
        this.channels = channels;
        this.skip = skip;
        this.norm = norm;
        this.suffix = suffix;
    }

    @Override
    public String kind() {
        return KIND;
    }

    public int channels() {
        return channels;
    }

    /** Whether the block adds its input back (false: a plain block of the same two convolutions). */
    public boolean skip() {
        return skip;
    }

    public boolean norm() {
        return norm;
    }

    @Override
    public int[] outputShape(int[] in) {
        if (in.length != 3) {
            throw new DeepToyException("residual block " + suffix + ": takes images [channels, height, width], got " + Shapes.toString(in)
                    + (in.length == 1 ? " (a residual block cannot follow a dense layer)" : ""));
        }
        return new int[] {channels, in[1], in[2]};
    }

    /** y = relu(F(x) + skip(x)), F(x) = bn(conv(relu(bn(conv(x))))). */
    @Override
    public Connection build(ComputationalGraph cg, Connection x, int[] in, Random random) {
        outputShape(in);
        weights.clear();
        parameters.clear();
        Connection h = cg.relu(conv(cg, x, in[0], 3, "a", random));
        Connection f = conv(cg, h, channels, 3, "b", random);
        if (!skip) return cg.relu(f);
        boolean same = in[0] == channels;
        Connection shortcut = same ? x : projection(cg, x, in[0], random);
        return cg.relu(cg.sum(f, shortcut, "F" + suffix + "(x) + " + (same ? "x" : "K" + suffix + "s * x")));
    }

    /** A "same" convolution to {@code channels} channels, then batch norm (or a bias without it). */
    private Connection conv(ComputationalGraph cg, Connection x, int inChannels, int size, String part, Random random) {
        Connection k = filters(cg, inChannels, size, part, random);
        Connection y = cg.conv2d(x, k, 1, size / 2);
        String id = suffix + part;
        if (!norm) return cg.sum(y, variable(cg, Tensor.zeros(1, channels, 1, 1), "c" + id));
        Connection gamma = variable(cg, Tensor.ones(channels), "gamma" + id), beta = variable(cg, Tensor.zeros(channels), "beta" + id);
        Connection mean = cg.constant(Tensor.zeros(channels), "runningMean" + id), var = cg.constant(Tensor.ones(channels), "runningVar" + id);
        parameters.add(mean);
        parameters.add(var);
        return cg.batchNorm(y, gamma, beta, mean, var);
    }

    /** The skip when the channels change: a 1×1 convolution of x, one weight per pair of channels. */
    private Connection projection(ComputationalGraph cg, Connection x, int inChannels, Random random) {
        return cg.conv2d(x, filters(cg, inChannels, 1, "s", random), 1, 0);
    }

    private Connection filters(ComputationalGraph cg, int inChannels, int size, String part, Random random) {
        Connection k = variable(cg, Init.HE.weights(random, inChannels * size * size, channels * size * size, channels, inChannels, size, size),
                "K" + suffix + part);
        weights.add(k);
        return k;
    }

    private Connection variable(ComputationalGraph cg, Tensor value, String name) {
        Connection v = cg.variable(value, name);
        parameters.add(v);
        return v;
    }

    @Override
    public List<Connection> weights() {
        return List.copyOf(weights);
    }

    @Override
    public List<Connection> parameters() {
        return List.copyOf(parameters);
    }

    @Override
    public void writeSettings(DataOutput out) throws IOException {
        out.writeInt(channels);
        out.writeBoolean(skip);
        out.writeBoolean(norm);
        out.writeUTF(suffix);
    }

    static ResidualLayer read(DataInput in) throws IOException {
        return new ResidualLayer(in.readInt(), in.readBoolean(), in.readBoolean(), in.readUTF());
    }

    @Override
    public String toString() {
        return (skip ? "residual " : "plain block ") + channels + (norm ? "" : " (no batch norm)");
    }
}
