package org.deeptoy.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * What happened during {@link Classifier#fit}: one {@link Epoch} row per finished epoch, the loss
 * of every batch, and, when training stopped early, where and why.
 */
public final class History {
    /**
     * One epoch: mean training loss over its batches, training accuracy (on the batches as they were
     * seen, before each update), validation accuracy (NaN without a validation split), seconds.
     */
    public record Epoch(int epoch, double loss, double accuracy, double validationAccuracy, double seconds) {
        public boolean hasValidation() {
            return !Double.isNaN(validationAccuracy);
        }
    }

    private final String model;
    private final List<Epoch> epochs = new ArrayList<>();
    private final List<Double> batchLosses = new ArrayList<>();
    private String stopped;
    private int bestEpoch;

    public History(String model) {
        this.model = model;
    }

    /** What was trained, e.g. {@code Mlp 784-256-10 relu}. */
    public String model() {
        return model;
    }

    public List<Epoch> epochs() {
        return Collections.unmodifiableList(epochs);
    }

    /** The last finished epoch, or null when none finished. */
    public Epoch last() {
        return epochs.isEmpty() ? null : epochs.get(epochs.size() - 1);
    }

    /** The loss of every training batch in order (for a detailed loss curve). */
    public List<Double> batchLosses() {
        return Collections.unmodifiableList(batchLosses);
    }

    public double[] loss() {
        return epochs.stream().mapToDouble(Epoch::loss).toArray();
    }

    public double[] accuracy() {
        return epochs.stream().mapToDouble(Epoch::accuracy).toArray();
    }

    public double[] validationAccuracy() {
        return epochs.stream().mapToDouble(Epoch::validationAccuracy).toArray();
    }

    public double totalSeconds() {
        return epochs.stream().mapToDouble(Epoch::seconds).sum();
    }

    /** Why training stopped before its last epoch (interrupt, NaN loss), or null when it ran to the end. */
    public String stopped() {
        return stopped;
    }

    /** With early stopping: the epoch whose weights the model kept (best validation accuracy), else 0. */
    public int bestEpoch() {
        return bestEpoch;
    }

    /** "Kept the weights of epoch 7 (validation accuracy 0.9650)." with early stopping, else "". */
    public String bestNote() {
        if (bestEpoch == 0) return "";
        return String.format(Locale.ROOT, "Kept the weights of epoch %d (validation accuracy %.4f).", bestEpoch,
                epochs.get(bestEpoch - 1).validationAccuracy());
    }

    void best(int epoch) {
        this.bestEpoch = epoch;
    }

    void add(Epoch e) {
        epochs.add(e);
    }

    void addBatchLoss(double loss) {
        batchLosses.add(loss);
    }

    void stop(String why) {
        this.stopped = why;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("History of " + model + "\n");
        boolean val = epochs.stream().anyMatch(Epoch::hasValidation);
        sb.append(String.format(Locale.ROOT, "%5s  %9s  %9s%s  %7s%n", "epoch", "loss", "accuracy", val ? "  val. acc." : "", "seconds"));
        for (Epoch e : epochs) {
            sb.append(String.format(Locale.ROOT, "%5d  %9.4f  %9.4f%s  %7.2f%n", e.epoch(), e.loss(), e.accuracy(),
                    val ? String.format(Locale.ROOT, "  %9.4f", e.validationAccuracy()) : "", e.seconds()));
        }
        if (stopped != null) sb.append(stopped).append('\n');
        else if (bestEpoch > 0) sb.append(bestNote()).append('\n');
        return sb.toString();
    }
}
