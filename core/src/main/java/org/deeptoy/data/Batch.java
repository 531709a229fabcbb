package org.deeptoy.data;

import org.deeptoy.tensor.Tensor;

/** A mini-batch: examples {@code x} (axis 0 = example) and their labels. */
public record Batch(Tensor x, int[] labels) {
    public int size() {
        return labels.length;
    }

    /** The labels one-hot encoded, [size, numClasses]. */
    public Tensor oneHot(int numClasses) {
        return Dataset.oneHot(labels, numClasses);
    }
}
