package org.deeptoy.kernel.display;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.LongSupplier;

import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import org.deeptoy.kernel.render.Charts;
import org.deeptoy.kernel.render.TrainingCharts;
import org.deeptoy.kernel.render.ProgressBar;
import org.deeptoy.nn.History;
import org.deeptoy.nn.TrainingListener;

/**
 * The live view of {@code fit} in a notebook: a progress bar (epoch, batch, loss, elapsed, ETA) and
 * a loss curve, each shown once and then updated in place, about five times a second for the bar
 * and twice for the chart (a PNG costs tens of milliseconds); the final state is always sent, so
 * the saved notebook keeps it. Installed for every fit by the kernel.
 */
public final class LiveTrainingDisplay implements TrainingListener {
    /** Where the outputs go: the kernel's display messages, or a recorder in tests. */
    interface Sink {
        String show(DisplayData data);

        void update(String id, DisplayData data);
    }

    /** The sink that shows and updates outputs through {@code out}. */
    static Sink of(DisplayOutput out) {
        return new Sink() {
            @Override
            public String show(DisplayData data) {
                return out.display(data).id();
            }

            @Override
            public void update(String id, DisplayData data) {
                out.updateDisplay(id, data);
            }
        };
    }

    private final Sink sink;
    private final LongSupplier clock;
    private final ProgressBar.Throttle barThrottle = new ProgressBar.Throttle(5);
    private final ProgressBar.Throttle chartThrottle = new ProgressBar.Throttle(2);
    private String bar, chart;
    private Progress last;

    /** A live view shown through {@code out}, the kernel's displays. */
    public LiveTrainingDisplay(DisplayOutput out) {
        this(of(out), System::nanoTime);
    }

    LiveTrainingDisplay(Sink sink, LongSupplier clock) {
        this.sink = sink;
        this.clock = clock;
    }

    @Override
    public void trainingStarted(Progress p) {
        last = p;
        long now = clock.getAsLong();
        barThrottle.ready(now);
        chartThrottle.ready(now);
        bar = sink.show(progress(p, null));
        chart = sink.show(lossChart(p));
    }

    @Override
    public void batchEnded(Progress p) {
        last = p;
        long now = clock.getAsLong();
        if (barThrottle.ready(now)) sink.update(bar, progress(p, null));
        if (chartThrottle.ready(now)) sink.update(chart, lossChart(p));
    }

    @Override
    public void trainingEnded(History history) {
        if (bar == null || last == null) return;
        sink.update(bar, progress(last, history.stopped()));
        sink.update(chart, lossChart(last));
    }

    static DisplayData progress(Progress p, String stopped) {
        ProgressBar.Progress v = new ProgressBar.Progress(p.epoch(), p.epochs(), p.batch(), p.batches(), p.loss(),
                p.elapsedSeconds());
        String text = ProgressBar.text(v);
        String html = ProgressBar.html(v);
        if (stopped != null) {
            text += "\n" + stopped;
            html += "<div style=\"font-family:monospace;font-size:13px;color:#b71c1c\">"
                    + escape(stopped) + "</div>";
        }
        DisplayData data = new DisplayData(text);
        data.putHTML(html);
        return data;
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    static DisplayData lossChart(Progress p) {
        var losses = p.history().batchLosses();
        DisplayData data = new DisplayData("loss curve: " + losses.size() + " batches");
        data.putData("image/png", offCellThread(() -> Charts.base64(TrainingCharts.lossChart(p.history(), p.batches(),
                "Training loss"))));
        return data;
    }

    /**
     * Draws charts away from the cell's thread, which Kernel > Interrupt interrupts: an interrupt
     * that reaches AWT while it reads a font file closes that file's (interruptible) channel, the
     * chart throws and fit fails with it, losing the History the student assigns.
     */
    private static final ExecutorService DRAW = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "deeptoy-live-chart");
        t.setDaemon(true);
        return t;
    });

    /** Runs {@code work} on {@link #DRAW} and waits for it; an interrupt meanwhile is kept for fit to see. */
    static <T> T offCellThread(Callable<T> work) {
        Future<T> f = DRAW.submit(work);
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return f.get();
                } catch (InterruptedException e) {
                    interrupted = true; // fit stops at the next batch
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof RuntimeException) throw (RuntimeException) cause;
                    if (cause instanceof Error) throw (Error) cause;
                    throw new IllegalStateException(cause);
                }
            }
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }
}
