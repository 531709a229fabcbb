package org.deeptoy.data;

import org.deeptoy.tensor.Shapes;
import org.deeptoy.tensor.Tensor;

import java.util.List;

/**
 * Examples and their labels: {@code x} has one row per example along axis 0 (Iris [150, 4],
 * MNIST [N, 1, 28, 28], CIFAR-10 [N, 3, 32, 32], NCHW), {@code labels[i]} is the class of row i
 * in {@code 0 .. classNames.size() - 1}.
 */
public final class Dataset {
    private final String name;
    private final Tensor x;
    private final int[] labels;
    private final List<String> classNames;

    public Dataset(String name, Tensor x, int[] labels, List<String> classNames) {
        if (x.rank() == 0 || x.dim(0) != labels.length) {
            throw new IllegalArgumentException("Dataset " + name + ": " + labels.length + " labels for examples of shape "
                    + Shapes.toString(x.shape()) + " (axis 0 must count the examples)");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classNames.size()) {
                throw new IllegalArgumentException("Dataset " + name + ": label " + labels[i] + " of example " + i
                        + " is not one of the " + classNames.size() + " classes");
            }
        }
        this.name = name;
        this.x = x;
        this.labels = labels;
        this.classNames = List.copyOf(classNames);
    }

    public String name() {
        return name;
    }

    /** The examples, one per row along axis 0. */
    public Tensor x() {
        return x;
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
        int[] s = x.shape();
        return java.util.Arrays.copyOfRange(s, 1, s.length);
    }

    /** The same examples as rows of a matrix [N, features] (shares storage). */
    public Dataset flatten() {
        return new Dataset(name, x.reshape(size(), -1), labels, classNames);
    }

    @Override
    public String toString() {
        return "Dataset(" + name + ", " + size() + " examples of shape " + Shapes.toString(exampleShape()) + ", "
                + numClasses() + " classes)";
    }
}
