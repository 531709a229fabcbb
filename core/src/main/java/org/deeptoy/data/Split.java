package org.deeptoy.data;

/** A training set and a test set, e.g. {@code Datasets.mnist()} or {@code iris.split(0.3, 42)}. */
public record Split(Dataset train, Dataset test) {
    @Override
    public String toString() {
        return "Split(train: " + train + ", test: " + test + ")";
    }
}
