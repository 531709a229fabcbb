package org.deeptoy.nn;

import java.io.PrintStream;
import java.util.Locale;

/** Prints one line per epoch: {@code epoch 3/10  loss 0.2100  accuracy 0.9400  validation 0.9300  1.2 s}. */
final class EpochPrinter implements TrainingListener {
    private final PrintStream out;

    EpochPrinter(PrintStream out) {
        this.out = out;
    }

    @Override
    public void epochEnded(Progress p, History.Epoch e) {
        // One println per line: a notebook kernel sends each write as its own output.
        out.println(String.format(Locale.ROOT, "epoch %d/%d  loss %.4f  accuracy %.4f%s  %.1f s", e.epoch(), p.epochs(),
                e.loss(), e.accuracy(), e.hasValidation() ? String.format(Locale.ROOT, "  validation %.4f", e.validationAccuracy()) : "",
                e.seconds()));
    }

    @Override
    public void trainingEnded(History h) {
        if (h.bestEpoch() > 0) out.println(h.stopped() != null ? h.stopped() : h.bestNote());
    }
}
