package org.deeptoy.nn;

/**
 * Hears {@link Classifier#fit} as it trains, e.g. to draw a live progress bar and loss curve.
 * Methods run on the training thread between batches: keep them quick (throttle drawing).
 */
public interface TrainingListener {
    /** Where training is: epochs and batches count from 1. */
    record Progress(int epoch, int epochs, int batch, int batches, double loss, double elapsedSeconds,
                    History history) {
        /** How much of the whole run is done, 0..1. */
        public double fraction() {
            return ((epoch - 1) + (double) batch / batches) / epochs;
        }

        /** Estimated seconds left, from the pace so far (NaN before the first batch). */
        public double etaSeconds() {
            double f = fraction();
            return f <= 0 ? Double.NaN : elapsedSeconds * (1 - f) / f;
        }
    }

    default void trainingStarted(Progress p) {}

    default void batchEnded(Progress p) {}

    default void epochEnded(Progress p, History.Epoch epoch) {}

    /** Called once at the end, also when training stopped early (see {@link History#stopped()}). */
    default void trainingEnded(History history) {}
}
