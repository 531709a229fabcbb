package org.deeptoy.data;

import org.deeptoy.tensor.Shapes;
import org.deeptoy.tensor.Tensor;

import java.util.Arrays;

/**
 * An affine rescaling of every feature, {@code x' = (x - shift) / scale}, whose statistics come
 * from the training set only and are then applied unchanged to the training and the test set:
 * <pre>
 * Scaler s = Scaler.standardize(split.train());
 * Dataset train = s.apply(split.train()), test = s.apply(split.test());
 * </pre>
 * A feature is one position of an example (a pixel of one channel, or an Iris measurement). A
 * feature that is constant in the training set (MNIST's border pixels) gets scale 1, so it maps to
 * 0 instead of dividing by zero.
 */
public final class Scaler {
    private final String kind;
    private final int[] exampleShape;
    private final double[] shift;
    private final double[] scale;

    private Scaler(String kind, int[] exampleShape, double[] shift, double[] scale) {
        this.kind = kind;
        this.exampleShape = exampleShape;
        this.shift = shift;
        this.scale = scale;
    }

    /** Standardises each feature to mean 0 and standard deviation 1 over the training set. */
    public static Scaler standardize(Dataset train) {
        double[][] ms = meanStd(train, 1);
        return new Scaler("standardize", train.exampleShape(), ms[0], ms[1]);
    }

    /**
     * Standardises each channel of images [N, C, H, W] with one mean and standard deviation per
     * channel over all training pixels of that channel (the usual choice for convolutional nets).
     */
    public static Scaler standardizePerChannel(Dataset train) {
        int[] shape = train.exampleShape();
        if (shape.length != 3) {
            throw new IllegalArgumentException("Scaler.standardizePerChannel(" + train.name() + "): needs images [N, C, H, W], "
                    + "the examples have shape " + Shapes.toString(shape));
        }
        int plane = shape[1] * shape[2];
        double[][] ms = meanStd(train, plane);
        double[] shift = new double[shape[0] * plane], scale = new double[shift.length];
        for (int c = 0; c < shape[0]; c++) {
            Arrays.fill(shift, c * plane, (c + 1) * plane, ms[0][c]);
            Arrays.fill(scale, c * plane, (c + 1) * plane, ms[1][c]);
        }
        return new Scaler("standardizePerChannel", shape, shift, scale);
    }

    /** Maps each feature's training range [min, max] to [0, 1] (test values may fall outside). */
    public static Scaler minMax(Dataset train) {
        int f = features(train.exampleShape());
        double[] min = new double[f], max = new double[f];
        Arrays.fill(min, Double.POSITIVE_INFINITY);
        Arrays.fill(max, Double.NEGATIVE_INFINITY);
        for (Batch b : train.batches(CHUNK)) {
            double[] d = b.x().data();
            for (int i = 0; i < b.size(); i++) {
                int o = i * f;
                for (int j = 0; j < f; j++) {
                    double v = d[o + j];
                    if (v < min[j]) min[j] = v;
                    if (v > max[j]) max[j] = v;
                }
            }
        }
        double[] scale = new double[f];
        for (int j = 0; j < f; j++) scale[j] = max[j] > min[j] ? max[j] - min[j] : 1;
        return new Scaler("minMax", train.exampleShape(), min, scale);
    }

    /** Divides raw pixel values 0..255 by 255 (no statistics needed: the range is known). */
    public static Scaler pixels() {
        return of(0, 255);
    }

    /** The same {@code (x - shift) / scale} for every feature, for examples of any shape. */
    public static Scaler of(double shift, double scale) {
        if (!(scale != 0 && Double.isFinite(scale) && Double.isFinite(shift))) {
            throw new IllegalArgumentException("Scaler.of(" + shift + ", " + scale + "): shift and scale must be finite, "
                    + "scale non-zero");
        }
        return new Scaler("of(" + shift + ", " + scale + ")", null, new double[] {shift}, new double[] {scale});
    }

    /**
     * {@code (x - shift) / scale} feature by feature, with the statistics given as tensors shaped
     * like one example (how a saved model restores its scaler; see {@link #shift()}, {@link #scale()}).
     */
    public static Scaler of(Tensor shift, Tensor scale) {
        if (shift.rank() == 0 && scale.rank() == 0) return of(shift.item(), scale.item());
        if (!Arrays.equals(shift.shape(), scale.shape())) {
            throw new IllegalArgumentException("Scaler.of: shift " + Shapes.toString(shift.shape()) + " and scale "
                    + Shapes.toString(scale.shape()) + " must have the same shape");
        }
        return new Scaler("of(shift, scale)", shift.shape(), shift.toArray(), scale.toArray());
    }

    /** The dataset with its examples rescaled (a new tensor; labels and class names shared). */
    public Dataset apply(Dataset d) {
        return new Dataset(d.name(), apply(d.x()), d.labels(), d.classNames());
    }

    /** Examples {@code x} (axis 0 = example) rescaled. */
    public Tensor apply(Tensor x) {
        int[] shape = x.shape();
        int[] example = Arrays.copyOfRange(shape, Math.min(1, shape.length), shape.length);
        if (exampleShape != null && !Arrays.equals(example, exampleShape)) {
            throw new IllegalArgumentException("Scaler." + kind + " was fitted on examples of shape "
                    + Shapes.toString(exampleShape) + " and cannot apply to examples of shape " + Shapes.toString(example)
                    + " (a tensor of shape " + Shapes.toString(shape) + ")");
        }
        double[] in = x.data(), out = new double[in.length];
        int f = shift.length;
        double[] inverse = new double[f];
        for (int j = 0; j < f; j++) inverse[j] = 1 / scale[j];
        if (f == 1) {
            double s = shift[0], k = inverse[0];
            for (int i = 0; i < in.length; i++) out[i] = (in[i] - s) * k;
        } else {
            for (int o = 0; o < in.length; o += f) {
                for (int j = 0; j < f; j++) out[o + j] = (in[o + j] - shift[j]) * inverse[j];
            }
        }
        return Tensor.wrap(out, shape);
    }

    /** What is subtracted from each feature (shape of one example; one value for {@link #of}). */
    public Tensor shift() {
        return exampleShape == null ? Tensor.scalar(shift[0]) : Tensor.of(shift, exampleShape);
    }

    /** What each feature is divided by after the shift. */
    public Tensor scale() {
        return exampleShape == null ? Tensor.scalar(scale[0]) : Tensor.of(scale, exampleShape);
    }

    @Override
    public String toString() {
        return "Scaler." + kind + (exampleShape == null ? "" : " for examples of shape " + Shapes.toString(exampleShape));
    }

    private static int features(int[] exampleShape) {
        int f = 1;
        for (int s : exampleShape) f *= s;
        return f;
    }

    /** Mean and population standard deviation of each group of {@code group} consecutive features. */
    /**
     * Examples per pass of the statistics: the training set is read in chunks, so that an image
     * dataset stored as bytes is never converted to doubles whole.
     */
    private static final int CHUNK = 1024;

    private static double[][] meanStd(Dataset train, int group) {
        if (train.size() == 0) throw new IllegalArgumentException("Scaler: " + train.name() + " has no examples to fit on");
        int f = features(train.exampleShape());
        int g = f / group;
        double[] sum = new double[g];
        for (Batch b : train.batches(CHUNK)) {
            double[] d = b.x().data();
            for (int i = 0; i < b.size(); i++) {
                int o = i * f;
                if (group == 1) {
                    for (int j = 0; j < f; j++) sum[j] += d[o + j];
                } else {
                    for (int j = 0; j < f; j++) sum[j / group] += d[o + j];
                }
            }
        }
        double count = (double) train.size() * group;
        double[] mean = new double[g];
        for (int j = 0; j < g; j++) mean[j] = sum[j] / count;
        double[] sq = new double[g];
        for (Batch b : train.batches(CHUNK)) {
            double[] d = b.x().data();
            for (int i = 0; i < b.size(); i++) {
                int o = i * f;
                if (group == 1) {
                    for (int j = 0; j < f; j++) {
                        double e = d[o + j] - mean[j];
                        sq[j] += e * e;
                    }
                } else {
                    for (int j = 0; j < f; j++) {
                        double e = d[o + j] - mean[j / group];
                        sq[j / group] += e * e;
                    }
                }
            }
        }
        double[] std = new double[g];
        for (int j = 0; j < g; j++) {
            double s = Math.sqrt(sq[j] / count);
            std[j] = s > 1e-12 * Math.max(1, Math.abs(mean[j])) ? s : 1;
        }
        return new double[][] {mean, std};
    }
}
