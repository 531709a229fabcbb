package org.deeptoy.nn;

import org.deeptoy.graph.ComputationalGraph;
import org.deeptoy.graph.Connection;
import org.deeptoy.tensor.Shapes;

import java.util.Random;

/** Flattens each example to one axis: [c, h, w] → [c·h·w] (before dense layers). */
public record FlattenLayer() implements Layer {
    static final String KIND = "flatten";

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public int[] outputShape(int[] in) {
        return new int[] {Shapes.size(in)};
    }

    @Override
    public Connection build(ComputationalGraph cg, Connection x, int[] in, Random random) {
        return cg.reshape(x, -1, Shapes.size(in));
    }

    @Override
    public String toString() {
        return "flatten";
    }
}
