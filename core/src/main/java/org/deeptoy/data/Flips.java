package org.deeptoy.data;

import org.deeptoy.tensor.Shapes;
import org.deeptoy.tensor.Tensor;

import java.util.Random;

/**
 * Data augmentation by mirroring: each image of a batch flipped left to right with probability ½,
 * drawn anew every time, so a model sees a car facing left as often as facing right.
 */
public final class Flips {
    private Flips() {}

    /** Images {@code [N, C, H, W]}, each mirrored left to right or not at random, as a new tensor. */
    public static Tensor random(Tensor images, Random random) {
        int[] shape = images.shape();
        if (shape.length != 4) {
            throw new IllegalArgumentException("Flips: mirrors images [N, C, H, W], got a tensor of shape " + Shapes.toString(shape)
                    + (shape.length == 2 ? " (rows of features: a dataset of images keeps its [C, H, W] shape; do not flatten it)" : ""));
        }
        int n = shape[0], width = shape[3], rows = shape[1] * shape[2], size = rows * width;
        double[] in = images.data(), out = new double[in.length];
        for (int i = 0; i < n; i++) {
            boolean flip = random.nextBoolean();
            for (int r = 0; r < rows; r++) {
                int row = i * size + r * width;
                for (int x = 0; x < width; x++) out[row + x] = in[row + (flip ? width - 1 - x : x)];
            }
        }
        return Tensor.wrap(out, shape);
    }
}
