package org.deeptoy.data;

import org.deeptoy.tensor.Shapes;
import org.deeptoy.tensor.Tensor;

import java.util.Arrays;

/**
 * The examples of an image dataset as their raw 8-bit pixel values 0..255, one example per row
 * along axis 0: an eighth of the memory of the same values as doubles (CIFAR-10's 60,000 images
 * are 184 MB instead of 1.47 GB). Batches are converted to double tensors as they are taken.
 */
final class Pixels {
    private final byte[] data;
    private final int offset;
    private final int[] shape;
    private final int rowSize;

    /** Rows of {@code shape} (axis 0 counts them) stored in {@code data} from {@code offset} on; not copied. */
    Pixels(byte[] data, int offset, int... shape) {
        long n = Shapes.checkedSize(shape);
        if (offset < 0 || offset + n > data.length) {
            throw new IllegalArgumentException("Pixels: " + n + " values from offset " + offset + " but " + data.length + " bytes");
        }
        this.data = data;
        this.offset = offset;
        this.shape = shape.clone();
        this.rowSize = (int) Shapes.checkedSize(Arrays.copyOfRange(shape, 1, shape.length));
    }

    int rows() {
        return shape[0];
    }

    int[] shape() {
        return shape.clone();
    }

    /** The same bytes with another shape of as many values per row (axis 0 unchanged). */
    Pixels reshapeRows(int... exampleShape) {
        int[] s = new int[exampleShape.length + 1];
        s[0] = shape[0];
        System.arraycopy(exampleShape, 0, s, 1, exampleShape.length);
        return new Pixels(data, offset, s);
    }

    /** Rows {@code from .. to - 1}, sharing the bytes. */
    Pixels rows(int from, int to) {
        int[] s = shape.clone();
        s[0] = to - from;
        return new Pixels(data, offset + from * rowSize, s);
    }

    /**
     * The rows followed by their left-right mirror images, as a copy; rows are images [C, H, W]
     * (the last axis is the width).
     */
    Pixels withMirrors() {
        int n = shape[0], width = shape[shape.length - 1];
        byte[] out = new byte[2 * n * rowSize];
        System.arraycopy(data, offset, out, 0, n * rowSize);
        for (int line = 0; line < n * rowSize / width; line++) {
            int from = offset + line * width, to = n * rowSize + line * width;
            for (int w = 0; w < width; w++) out[to + w] = data[from + width - 1 - w];
        }
        int[] s = shape.clone();
        s[0] = 2 * n;
        return new Pixels(out, 0, s);
    }

    /** The rows at {@code indices}, in that order, as a copy. */
    Pixels gather(int[] indices) {
        byte[] out = new byte[indices.length * rowSize];
        for (int k = 0; k < indices.length; k++) System.arraycopy(data, offset + indices[k] * rowSize, out, k * rowSize, rowSize);
        int[] s = shape.clone();
        s[0] = indices.length;
        return new Pixels(out, 0, s);
    }

    /** Rows {@code order[from] .. order[to - 1]} as a double tensor of pixel values. */
    Tensor toTensor(int[] order, int from, int to) {
        double[] x = new double[(to - from) * rowSize];
        for (int k = from; k < to; k++) {
            int src = offset + order[k] * rowSize, dst = (k - from) * rowSize;
            for (int j = 0; j < rowSize; j++) x[dst + j] = data[src + j] & 0xff;
        }
        int[] s = shape.clone();
        s[0] = to - from;
        return Tensor.wrap(x, s);
    }

    /** All rows as a double tensor of pixel values. */
    Tensor toTensor() {
        double[] x = new double[shape[0] * rowSize];
        for (int i = 0; i < x.length; i++) x[i] = data[offset + i] & 0xff;
        return Tensor.wrap(x, shape);
    }
}
