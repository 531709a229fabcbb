package org.deeptoy.nn;

import org.deeptoy.data.Batch;
import org.deeptoy.data.Dataset;
import org.deeptoy.data.Flips;
import org.deeptoy.data.Shifts;
import org.deeptoy.graph.Connection;
import org.deeptoy.graph.DeepToyException;
import org.deeptoy.graph.SimulationContext;
import org.deeptoy.optim.Optimizer;
import org.deeptoy.tensor.Precision;

import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The loop of {@link Classifier#fit}: epochs of shuffled mini-batches, forward and backward in
 * training mode, an optimizer step per batch; listeners hear every batch and epoch (printing is one
 * of them). Stops between batches on an interrupt, with advice on a loss that is no longer a
 * number, and, with early stopping, when validation accuracy stops improving.
 */
final class FitLoop {
    private final Classifier model;
    private final FitOptions o;
    private final Optimizer opt;
    private final List<TrainingListener> listeners;
    private final History history;

    FitLoop(Classifier model, FitOptions o, Optimizer opt, List<TrainingListener> listeners, History history) {
        this.model = model;
        this.o = o;
        this.opt = opt;
        this.listeners = listeners;
        this.history = history;
    }

    /** What one epoch has seen so far: loss and accuracy of its batches, before each update. */
    private static final class Meter {
        double lossSum;
        long correct, seen;

        void add(double loss, int[] predicted, int[] labels) {
            for (int i = 0; i < predicted.length; i++) if (predicted[i] == labels[i]) correct++;
            seen += predicted.length;
            lossSum += loss * predicted.length;
        }
    }

    /** Trains; every listener hears the end ({@code trainingEnded}), also when training or a listener fails. */
    History run(Dataset train, Dataset validation) {
        SimulationContext ctx = new SimulationContext().checkFinite(false).variableGradientsOnly(true).training(true).seed(o.seed)
                .precision(Precision.FLOAT32); // float32 where an op has a float32 kernel (conv2d), as PyTorch trains
        List<Connection> variables = model.graph().variables();
        EarlyStopping early = o.patience >= 0 && validation != null ? new EarlyStopping(o.patience, model.savedParameters()) : null;
        Random random = new Random(o.seed);
        Random moves = new Random(o.seed + 1); // apart from the shuffling, so shifts leave the batch order unchanged
        int batches = (train.size() + o.batchSize - 1) / o.batchSize;
        long start = System.nanoTime();
        try {
            for (TrainingListener listener : listeners) {
                listener.trainingStarted(new TrainingListener.Progress(1, o.epochs, 0, batches, Double.NaN, 0, history));
            }
            for (int epoch = 1; epoch <= o.epochs; epoch++) {
                opt.startEpoch(epoch - 1);
                long epochStart = System.nanoTime();
                Meter m = new Meter();
                int b = 0;
                for (Batch batch : train.batches(o.batchSize, random)) {
                    if (Thread.interrupted()) {
                        interrupted(epoch, b + 1, batches);
                        return history;
                    }
                    b++;
                    if (o.shifts > 0) batch = new Batch(Shifts.random(batch.x(), o.shifts, moves), batch.labels());
                    if (o.flips) batch = new Batch(Flips.random(batch.x(), moves), batch.labels());
                    double l = model.trainStep(ctx, batch);
                    if (!Double.isFinite(l)) throw notANumber(l, epoch, b, batches);
                    m.add(l, ctx.value(model.scoresConnection()).argmaxRows(), batch.labels());
                    history.addBatchLoss(l);
                    ctx.backward(model.graph(), model.lossConnection());
                    opt.step(variables, ctx);
                    TrainingListener.Progress p = new TrainingListener.Progress(epoch, o.epochs, b, batches, l, seconds(start), history);
                    for (TrainingListener listener : listeners) listener.batchEnded(p);
                }
                History.Epoch e = new History.Epoch(epoch, m.lossSum / m.seen, (double) m.correct / m.seen,
                        validation == null ? Double.NaN : model.score(validation), seconds(epochStart));
                history.add(e);
                TrainingListener.Progress p = new TrainingListener.Progress(epoch, o.epochs, batches, batches, e.loss(), seconds(start), history);
                for (TrainingListener listener : listeners) listener.epochEnded(p, e);
                if (early != null && early.stopAfter(e)) {
                    history.stop(String.format(Locale.ROOT, "Early stopping after epoch %d: validation accuracy has not improved for %d epochs.",
                            epoch, o.patience));
                    break;
                }
            }
            if (early != null) {
                history.best(early.restoreBest());
                if (history.stopped() != null) history.stop(history.stopped() + " " + history.bestNote());
            }
            return history;
        } finally {
            for (TrainingListener listener : listeners) listener.trainingEnded(history);
        }
    }

    private void interrupted(int epoch, int batch, int batches) {
        String where = String.format(Locale.ROOT, "Training interrupted at epoch %d of %d, batch %d of %d; "
                        + "the model keeps the weights of its last update (%d epochs finished).",
                epoch, o.epochs, batch, batches, epoch - 1);
        history.stop(where);
        System.out.println(where);
    }

    private DeepToyException notANumber(double l, int epoch, int batch, int batches) {
        String why = String.format(Locale.ROOT, "Training stopped: the loss became %s at epoch %d, batch %d of %d "
                        + "(learning rate %s). Try a lower learning rate (e.g. %s), normalise the inputs "
                        + "(model.scaler(Scaler.standardize(train)) or Scaler.pixels() for images), and check the data "
                        + "for NaN. The model keeps the weights from before this batch.",
                Double.isNaN(l) ? "NaN" : "infinite", epoch, batch, batches, opt.learningRate(), opt.learningRate() / 10);
        history.stop(why);
        return new DeepToyException(why);
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
