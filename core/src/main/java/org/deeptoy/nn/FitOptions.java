package org.deeptoy.nn;

import org.deeptoy.data.Dataset;
import org.deeptoy.optim.Optimizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * How {@link Classifier#fit} trains: epochs, batch size, optimizer, seed, validation split,
 * listeners. Sensible defaults; each setter returns this:
 * <pre>{@code
 * model.fit(train, new FitOptions().epochs(10).batchSize(128).optimizer(new Sgd(0.1).momentum(0.9)).seed(1));
 * }</pre>
 */
public final class FitOptions {
    int epochs = 10;
    int batchSize = 64;
    Optimizer optimizer;
    long seed = 0;
    double validationSplit = 0;
    Dataset validation;
    int patience = -1;
    int shifts = 0;
    boolean flips;
    Supplier<? extends TrainingListener> display;
    Boolean verbose;
    boolean showLive = true;
    final List<TrainingListener> listeners = new ArrayList<>();

    /** Options with the defaults: 10 epochs, batches of 64, the model's default optimizer, seed 0. */
    public FitOptions() {}

    public FitOptions epochs(int n) {
        if (n <= 0) throw new IllegalArgumentException("FitOptions.epochs: need at least 1 epoch, got " + n);
        epochs = n;
        return this;
    }

    public FitOptions batchSize(int n) {
        if (n <= 0) throw new IllegalArgumentException("FitOptions.batchSize: must be positive, got " + n);
        batchSize = n;
        return this;
    }

    public FitOptions optimizer(Optimizer o) {
        optimizer = o;
        return this;
    }

    /** Seeds the shuffling of every epoch (and the validation split): same seed, same run. */
    public FitOptions seed(long s) {
        seed = s;
        return this;
    }

    /** Holds out this fraction of the training set (stratified, seeded) to report validation accuracy per epoch. */
    public FitOptions validationSplit(double fraction) {
        if (!(fraction >= 0 && fraction < 1)) {
            throw new IllegalArgumentException("FitOptions.validationSplit: a fraction in [0, 1), got " + fraction);
        }
        validationSplit = fraction;
        return this;
    }

    /** Scores this dataset after every epoch (validation accuracy), instead of holding out part of the training set. */
    public FitOptions validation(Dataset d) {
        validation = d;
        return this;
    }

    /**
     * Early stopping: after every epoch, keeps a copy of the weights when validation accuracy is the
     * best so far; stops when {@code patience} epochs in a row did not beat it (0: never stops early,
     * only keeps the best) and puts the best weights back. Needs a validation set.
     */
    public FitOptions earlyStopping(int patience) {
        if (patience < 0) throw new IllegalArgumentException("FitOptions.earlyStopping: patience is a number of epochs >= 0, got " + patience);
        this.patience = patience;
        return this;
    }

    /**
     * Data augmentation for images: every training image is moved by a random number of whole pixels,
     * up to {@code pixels} left or right and up or down, drawn anew for each image in each epoch
     * (seeded by {@link #seed}); the edge pixels fill the gap. Scoring and validation see the images
     * unmoved. 0 (the default) trains on the images as they are.
     */
    public FitOptions shifts(int pixels) {
        if (pixels < 0) throw new IllegalArgumentException("FitOptions.shifts: a number of pixels >= 0, got " + pixels);
        shifts = pixels;
        return this;
    }

    /**
     * Data augmentation for images: every training image is mirrored left to right with probability ½,
     * drawn anew for each image in each epoch (seeded by {@link #seed}); with {@link #shifts} this is
     * the classic CIFAR-10 augmentation (random crops of a padded photo, and flips). Scoring and
     * validation see the images as they are.
     */
    public FitOptions flips(boolean on) {
        flips = on;
        return this;
    }

    /**
     * The live display for this fit: a listener made fresh for it (a notebook kernel lends one to
     * every fit of a cell; see {@link LiveDisplay}). Passing one here replaces the lent one.
     */
    public FitOptions display(Supplier<? extends TrainingListener> factory) {
        display = factory;
        return this;
    }

    /** Whether to print one line per epoch (default: yes, unless a live display is installed). */
    public FitOptions verbose(boolean on) {
        verbose = on;
        return this;
    }

    /**
     * Whether the live display (the kernel's progress bar and loss chart) shows this fit (default
     * yes); switch it off for models trained in a loop, e.g. one per data split.
     */
    public FitOptions live(boolean on) {
        showLive = on;
        return this;
    }

    public FitOptions listener(TrainingListener l) {
        listeners.add(l);
        return this;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "FitOptions(epochs %d, batch %d, %s, seed %d%s%s%s%s)", epochs, batchSize,
                optimizer == null ? "default optimizer" : optimizer, seed,
                validationSplit > 0 ? ", validation " + validationSplit : "",
                patience >= 0 ? ", early stopping " + patience : "", shifts > 0 ? ", shifts " + shifts : "",
                flips ? ", flips" : "");
    }
}
