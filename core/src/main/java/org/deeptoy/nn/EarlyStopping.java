package org.deeptoy.nn;

import org.deeptoy.graph.Connection;
import org.deeptoy.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * Keeps a copy of the parameters of the epoch with the best validation accuracy and says when
 * {@code patience} epochs in a row have not beaten it; the best copy is put back at the end.
 */
final class EarlyStopping {
    private final int patience;
    private final List<Connection> parameters;
    private List<Tensor> best;
    private double bestAccuracy = Double.NEGATIVE_INFINITY;
    private int bestEpoch, sinceBest;

    EarlyStopping(int patience, List<Connection> parameters) {
        this.patience = patience;
        this.parameters = parameters;
    }

    /** Records an epoch's validation accuracy; true when training should stop. */
    boolean stopAfter(History.Epoch e) {
        if (e.validationAccuracy() > bestAccuracy) {
            bestAccuracy = e.validationAccuracy();
            bestEpoch = e.epoch();
            sinceBest = 0;
            best = new ArrayList<>();
            for (Connection p : parameters) best.add(Tensor.wrap(p.value().toArray(), p.value().shape()));
            return false;
        }
        return patience > 0 && ++sinceBest >= patience;
    }

    /** Puts the best epoch's parameters back; returns that epoch (0 when none was recorded). */
    int restoreBest() {
        if (best == null) return 0;
        for (int i = 0; i < parameters.size(); i++) parameters.get(i).set(best.get(i));
        return bestEpoch;
    }
}
