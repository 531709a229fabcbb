package org.deeptoy.data;

import org.deeptoy.tensor.Shapes;
import org.deeptoy.tensor.Tensor;

import java.util.Random;

/**
 * Data augmentation by translation: each image of a batch moved by a few whole pixels, so that a
 * model sees an object at slightly different places (a cat two pixels to the left is still a cat).
 * The edge row or column is repeated into the gap a move opens, so no black border appears.
 */
public final class Shifts {
    private Shifts() {}

    /**
     * Images {@code [N, C, H, W]}, each moved by its own random {@code dx} and {@code dy}, drawn
     * uniformly from {@code -pixels .. pixels} (0 included), as a new tensor.
     */
    public static Tensor random(Tensor images, int pixels, Random random) {
        int[] shape = checkImages(images, pixels);
        int n = shape[0], size = images.size() / Math.max(1, n);
        double[] in = images.data(), out = new double[in.length];
        for (int i = 0; i < n; i++) {
            int dx = random.nextInt(2 * pixels + 1) - pixels, dy = random.nextInt(2 * pixels + 1) - pixels;
            move(in, out, i * size, shape, dx, dy);
        }
        return Tensor.wrap(out, shape);
    }

    /** Images {@code [N, C, H, W]} all moved {@code dx} pixels right and {@code dy} down (negative: left, up). */
    public static Tensor by(Tensor images, int dx, int dy) {
        int[] shape = checkImages(images, Math.max(Math.abs(dx), Math.abs(dy)));
        int n = shape[0], size = images.size() / Math.max(1, n);
        double[] in = images.data(), out = new double[in.length];
        for (int i = 0; i < n; i++) move(in, out, i * size, shape, dx, dy);
        return Tensor.wrap(out, shape);
    }

    /** One image at {@code offset}: out(c, y, x) = in(c, y - dy, x - dx), coordinates clamped to the image. */
    private static void move(double[] in, double[] out, int offset, int[] shape, int dx, int dy) {
        int channels = shape[1], height = shape[2], width = shape[3];
        for (int c = 0; c < channels; c++) {
            int plane = offset + c * height * width;
            for (int y = 0; y < height; y++) {
                int from = plane + clamp(y - dy, height) * width, to = plane + y * width;
                for (int x = 0; x < width; x++) out[to + x] = in[from + clamp(x - dx, width)];
            }
        }
    }

    private static int clamp(int i, int size) {
        return i < 0 ? 0 : i >= size ? size - 1 : i;
    }

    private static int[] checkImages(Tensor images, int pixels) {
        int[] shape = images.shape();
        if (shape.length != 4) {
            throw new IllegalArgumentException("Shifts: moves images [N, C, H, W], got a tensor of shape " + Shapes.toString(shape)
                    + (shape.length == 2 ? " (rows of features: a dataset of images keeps its [C, H, W] shape; do not flatten it)" : ""));
        }
        if (pixels < 0 || pixels >= Math.min(shape[2], shape[3])) {
            throw new IllegalArgumentException("Shifts: a move of " + pixels + " pixels does not fit images of " + shape[2] + "x" + shape[3]
                    + " pixels (a few pixels, e.g. 1 or 2, and never a negative number)");
        }
        return shape;
    }
}
