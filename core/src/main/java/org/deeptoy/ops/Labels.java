package org.deeptoy.ops;

import org.deeptoy.graph.DeepToyException;
import org.deeptoy.tensor.Tensor;

/**
 * Class labels as a loss reads them: either one class index per row ({@code [n]}, values 0..k-1)
 * or one row of target probabilities per example ({@code [n, k]}, e.g. one-hot).
 */
final class Labels {
    private Labels() {}

    /** The class index of each row; throws a student-readable error naming the op otherwise. */
    static int[] indices(String call, Tensor scores, Tensor labels) {
        int[] s = scores.shape();
        if (s.length != 2) {
            throw new DeepToyException(call + ": scores must be [examples, classes], got " + shape(scores));
        }
        int n = s[0], k = s[1];
        if (labels.rank() == 1 && labels.dim(0) == n) {
            int[] y = new int[n];
            double[] d = labels.data();
            for (int i = 0; i < n; i++) {
                y[i] = (int) d[i];
                if (y[i] != d[i] || y[i] < 0 || y[i] >= k) {
                    throw new DeepToyException(call + ": label " + d[i] + " of example " + i + " is not a class index 0.."
                            + (k - 1) + " (the scores have " + k + " classes)");
                }
            }
            return y;
        }
        if (labels.rank() == 2 && labels.dim(0) == n && labels.dim(1) == k) return labels.argmaxRows();
        throw new DeepToyException(call + ": labels must be class indices [" + n + "] or one-hot rows [" + n + ", " + k
                + "] for scores " + shape(scores) + ", got " + shape(labels));
    }

    /** Whether the labels are rows of probabilities ([n, k]) rather than indices. */
    static boolean areRows(Tensor scores, Tensor labels) {
        return labels.rank() == 2 && java.util.Arrays.equals(labels.shape(), scores.shape());
    }

    private static String shape(Tensor t) {
        return org.deeptoy.tensor.Shapes.toString(t.shape());
    }
}
