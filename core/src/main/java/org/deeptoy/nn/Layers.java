package org.deeptoy.nn;

import org.deeptoy.graph.ComputationalGraph;
import org.deeptoy.graph.Connection;
import org.deeptoy.tensor.Tensor;

import java.util.Random;

/** Layers as small pieces of graph: each adds its variables and ops and returns its output. */
public final class Layers {
    private Layers() {}

    /**
     * A dense (fully connected) layer {@code y = x·W + b}: x is [n, in], W [in, out] (variable
     * "W" + suffix), b [out] (variable "b" + suffix, zeros).
     */
    public static Connection dense(ComputationalGraph cg, Connection x, int in, int out, Init init, Random random,
                                   String suffix) {
        Connection w = cg.variable(init.weights(random, in, out, in, out), "W" + suffix);
        Connection b = cg.variable(Tensor.zeros(out), "b" + suffix);
        return cg.sum(cg.matrixMultiply(x, w), b);
    }

    /**
     * A convolution with "same" padding and stride 1, plus a bias per filter: x is [n, in, h, w],
     * the filters K [out, in, size, size] (variable "K" + suffix), the bias [1, out, 1, 1]
     * ("c" + suffix).
     */
    public static Connection conv(ComputationalGraph cg, Connection x, int in, int out, int size, Init init,
                                  Random random, String suffix) {
        int fanIn = in * size * size;
        Connection k = cg.variable(init.weights(random, fanIn, out * size * size, out, in, size, size), "K" + suffix);
        Connection c = cg.variable(Tensor.zeros(1, out, 1, 1), "c" + suffix);
        return cg.sum(cg.conv2d(x, k, 1, size / 2), c);
    }
}
