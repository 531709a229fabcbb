package org.deeptoy.data;

import org.deeptoy.tensor.Shapes;
import org.deeptoy.tensor.Tensor;

import java.lang.ref.SoftReference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;

/**
 * Examples and their labels: {@code x} has one row per example along axis 0 (Iris [150, 4],
 * MNIST [N, 1, 28, 28], CIFAR-10 [N, 3, 32, 32], NCHW), {@code labels[i]} is the class of row i
 * in {@code 0 .. classNames.size() - 1}.
 */
public final class Dataset {
    private final String name;
    /** The examples: either a tensor or, for image datasets, their raw pixels (the other is null). */
    private final Tensor x;
    private final Pixels pixels;
    /** The pixels as doubles, made by {@link #x()} and kept while memory allows. */
    private SoftReference<Tensor> pixelTensor = new SoftReference<>(null);
    private final int[] labels;
    private final List<String> classNames;

    public Dataset(String name, Tensor x, int[] labels, List<String> classNames) {
        this(name, x, null, labels, classNames);
    }

    /** An image dataset stored as raw 8-bit pixels (values 0..255), converted batch by batch. */
    Dataset(String name, Pixels pixels, int[] labels, List<String> classNames) {
        this(name, null, pixels, labels, classNames);
    }

    private Dataset(String name, Tensor x, Pixels pixels, int[] labels, List<String> classNames) {
        int[] shape = x != null ? x.shape() : pixels.shape();
        if (shape.length == 0 || shape[0] != labels.length) {
            throw new IllegalArgumentException("Dataset " + name + ": " + labels.length + " labels for examples of shape "
                    + Shapes.toString(shape) + " (axis 0 must count the examples)");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classNames.size()) {
                throw new IllegalArgumentException("Dataset " + name + ": label " + labels[i] + " of example " + i
                        + " is not one of the " + classNames.size() + " classes");
            }
        }
        this.name = name;
        this.x = x;
        this.pixels = pixels;
        this.labels = labels;
        this.classNames = List.copyOf(classNames);
    }

    public String name() {
        return name;
    }

    /**
     * The examples, one per row along axis 0. For an image dataset the pixels are converted to
     * doubles on the first call (CIFAR-10's training set: 1.2 GB) and kept while memory allows;
     * training takes them batch by batch without this. Treat the result as read-only: for an image
     * dataset it is a converted copy, and changing it does not change the dataset.
     */
    public Tensor x() {
        if (x != null) return x;
        Tensor t = pixelTensor.get();
        if (t == null) {
            t = pixels.toTensor();
            pixelTensor = new SoftReference<>(t);
        }
        return t;
    }

    private int[] shape() {
        return x != null ? x.shape() : pixels.shape();
    }

    /** The class of each example (not a copy: do not modify). */
    public int[] labels() {
        return labels;
    }

    public List<String> classNames() {
        return classNames;
    }

    public int size() {
        return labels.length;
    }

    public int numClasses() {
        return classNames.size();
    }

    /** The shape of one example, e.g. [1, 28, 28]. */
    public int[] exampleShape() {
        int[] s = shape();
        return Arrays.copyOfRange(s, 1, s.length);
    }

    /** The same examples as rows of a matrix [N, features] (shares storage). */
    public Dataset flatten() {
        if (pixels != null) return new Dataset(name, pixels.reshapeRows(features()), labels, classNames);
        return new Dataset(name, x.reshape(size(), -1), labels, classNames);
    }

    private int features() {
        int f = 1;
        for (int s : exampleShape()) f *= s;
        return f;
    }

    /** The name of class {@code label}, e.g. {@code "cat"}. */
    public String className(int label) {
        if (label < 0 || label >= classNames.size()) {
            throw new IllegalArgumentException(name + ": no class " + label + "; classes are 0.." + (classNames.size() - 1));
        }
        return classNames.get(label);
    }

    /** How many examples each class has, indexed by label. */
    public int[] classCounts() {
        int[] counts = new int[numClasses()];
        for (int label : labels) counts[label]++;
        return counts;
    }

    /** Example {@code i} as a tensor of {@link #exampleShape()} (a copy). */
    public Tensor example(int i) {
        checkIndex(i, "example");
        return x != null ? x.slice(i) : pixels.toTensor(new int[] {i}, 0, 1).reshape(exampleShape());
    }

    // ---- subsets ---------------------------------------------------------------------------

    /** The examples at {@code indices}, in that order (copied; an index may repeat). */
    public Dataset subset(int[] indices) {
        for (int i : indices) checkIndex(i, "subset");
        int[] l = new int[indices.length];
        for (int k = 0; k < indices.length; k++) l[k] = labels[indices[k]];
        return x != null ? new Dataset(name, x.gather(indices), l, classNames)
                : new Dataset(name, pixels.gather(indices), l, classNames);
    }

    /** The first {@code n} examples (all of them if there are fewer), for quick runs. */
    public Dataset first(int n) {
        if (n < 0) throw new IllegalArgumentException(name + ".first(" + n + "): n must not be negative");
        int k = Math.min(n, size());
        return x != null ? new Dataset(name, x.rows(0, k), Arrays.copyOf(labels, k), classNames)
                : new Dataset(name, pixels.rows(0, k), Arrays.copyOf(labels, k), classNames);
    }

    /**
     * About the first {@code n} examples, chosen so that each class keeps its share of the whole
     * dataset: class c contributes its first {@code round(n * count_c / size)} examples (largest
     * remainders decide the rounding, so exactly {@code n} are taken). The original order is kept.
     * Unlike {@link #first(int)}, this gives every class even when the file is sorted by class.
     */
    public Dataset stratifiedFirst(int n) {
        if (n < 0) throw new IllegalArgumentException(name + ".stratifiedFirst(" + n + "): n must not be negative");
        if (n >= size()) return first(size());
        int[] quota = apportion(classCounts(), n);
        int[] taken = new int[numClasses()];
        int[] idx = new int[n];
        int k = 0;
        for (int i = 0; i < size() && k < n; i++) {
            if (taken[labels[i]] < quota[labels[i]]) {
                taken[labels[i]]++;
                idx[k++] = i;
            }
        }
        return subset(idx);
    }

    /**
     * A stratified, seeded random split: a fraction {@code testFraction} of each class goes to the
     * test set (largest remainders decide the rounding, so the test set has exactly
     * {@code round(testFraction * size)} examples); both sets are shuffled.
     */
    public Split split(double testFraction, long seed) {
        if (!(testFraction > 0 && testFraction < 1)) {
            throw new IllegalArgumentException(name + ".split(" + testFraction + ", seed): the test fraction must be "
                    + "between 0 and 1 (exclusive), e.g. 0.3");
        }
        int nTest = (int) Math.round(testFraction * size());
        int[] quota = apportion(classCounts(), nTest);
        Random random = new Random(seed);
        List<List<Integer>> byClass = new ArrayList<>();
        for (int c = 0; c < numClasses(); c++) byClass.add(new ArrayList<>());
        for (int i = 0; i < size(); i++) byClass.get(labels[i]).add(i);
        int[] test = new int[nTest];
        int[] train = new int[size() - nTest];
        int t = 0, r = 0;
        for (int c = 0; c < numClasses(); c++) {
            List<Integer> members = byClass.get(c);
            java.util.Collections.shuffle(members, random);
            for (int k = 0; k < members.size(); k++) {
                if (k < quota[c]) test[t++] = members.get(k);
                else train[r++] = members.get(k);
            }
        }
        shuffle(train, random);
        shuffle(test, random);
        return new Split(subset(train).named(name + " train"), subset(test).named(name + " test"));
    }

    /**
     * Data augmentation for photos: the examples followed by their left-right mirror images, with the
     * same labels (a horse facing right is still a horse), so twice as many. Needs images [C, H, W].
     */
    public Dataset withMirrors() {
        int[] shape = shape();
        if (shape.length != 4) {
            throw new IllegalArgumentException(name + ".withMirrors(): needs images [N, C, H, W], the examples have shape "
                    + Shapes.toString(Arrays.copyOfRange(shape, 1, shape.length)));
        }
        int[] l = new int[2 * size()];
        System.arraycopy(labels, 0, l, 0, size());
        System.arraycopy(labels, 0, l, size(), size());
        if (pixels != null) return new Dataset(name + " + mirrors", pixels.withMirrors(), l, classNames);
        int width = shape[3], n = x.size();
        double[] v = x.data(), out = Arrays.copyOf(v, 2 * n);
        for (int line = 0; line < n / width; line++) {
            for (int w = 0; w < width; w++) out[n + line * width + w] = v[line * width + width - 1 - w];
        }
        int[] doubled = shape.clone();
        doubled[0] = 2 * size();
        return new Dataset(name + " + mirrors", Tensor.wrap(out, doubled), l, classNames);
    }

    /** The same examples under another name. */
    public Dataset named(String newName) {
        return new Dataset(newName, x, pixels, labels, classNames);
    }

    // ---- labels and batches -------------------------------------------------------------------

    /** The labels one-hot encoded: [size, numClasses], 1 at (i, labels[i]), else 0. */
    public Tensor oneHot() {
        return oneHot(labels, numClasses());
    }

    /** {@code labels} one-hot encoded: [labels.length, numClasses]. */
    public static Tensor oneHot(int[] labels, int numClasses) {
        double[] d = new double[labels.length * numClasses];
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= numClasses) {
                throw new IllegalArgumentException("oneHot: label " + labels[i] + " at index " + i + " is not in 0.."
                        + (numClasses - 1));
            }
            d[i * numClasses + labels[i]] = 1;
        }
        return Tensor.wrap(d, labels.length, numClasses);
    }

    /** Mini-batches of {@code batchSize} examples in order (the last one may be smaller), e.g. for evaluation. */
    public Iterable<Batch> batches(int batchSize) {
        int[] order = new int[size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        return batches(batchSize, order);
    }

    /**
     * Mini-batches of {@code batchSize} examples in an order shuffled by {@code random} (the last
     * batch may be smaller). Call once per epoch with the same {@code Random}, created from a seed,
     * for a new but reproducible order every epoch. The order is drawn when this is called.
     */
    public Iterable<Batch> batches(int batchSize, Random random) {
        int[] order = new int[size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        shuffle(order, random);
        return batches(batchSize, order);
    }

    private Iterable<Batch> batches(int batchSize, int[] order) {
        if (batchSize <= 0) throw new IllegalArgumentException(name + ".batches(" + batchSize + "): batch size must be positive");
        return () -> new Iterator<>() {
            private int from = 0;

            @Override
            public boolean hasNext() {
                return from < order.length;
            }

            @Override
            public Batch next() {
                if (!hasNext()) throw new NoSuchElementException();
                int to = Math.min(from + batchSize, order.length);
                int[] l = new int[to - from];
                for (int k = from; k < to; k++) l[k - from] = labels[order[k]];
                Batch b = new Batch(x != null ? x.gather(order, from, to) : pixels.toTensor(order, from, to), l);
                from = to;
                return b;
            }
        };
    }

    // ---- helpers --------------------------------------------------------------------------

    private void checkIndex(int i, String what) {
        if (i < 0 || i >= size()) {
            throw new IndexOutOfBoundsException(name + "." + what + ": index " + i + " is not in 0.." + (size() - 1));
        }
    }

    /** Splits {@code total} among classes in proportion to {@code counts}, by largest remainder. */
    private static int[] apportion(int[] counts, int total) {
        long n = 0;
        for (int c : counts) n += c;
        int[] quota = new int[counts.length];
        double[] remainder = new double[counts.length];
        int given = 0;
        for (int c = 0; c < counts.length; c++) {
            double exact = n == 0 ? 0 : (double) total * counts[c] / n;
            quota[c] = (int) Math.floor(exact);
            remainder[c] = exact - quota[c];
            given += quota[c];
        }
        while (given < total) {
            int best = -1;
            for (int c = 0; c < counts.length; c++) {
                if (quota[c] < counts[c] && (best < 0 || remainder[c] > remainder[best])) best = c;
            }
            quota[best]++;
            remainder[best] = -1;
            given++;
        }
        return quota;
    }

    private static void shuffle(int[] a, Random random) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    @Override
    public String toString() {
        return "Dataset(" + name + ", " + size() + " examples of shape " + Shapes.toString(exampleShape()) + ", "
                + numClasses() + " classes)";
    }
}
