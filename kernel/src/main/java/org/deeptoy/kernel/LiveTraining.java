package org.deeptoy.kernel;

import java.util.function.LongSupplier;

import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import org.deeptoy.kernel.render.Charts;
import org.deeptoy.kernel.render.TrainingCharts;
import org.deeptoy.kernel.render.TrainingView;
import org.deeptoy.nn.History;
import org.deeptoy.nn.TrainingListener;

/**
 * The live view of {@code fit} in a notebook: a progress bar (epoch, batch, loss, elapsed, ETA) and
 * a loss curve, each shown once and then updated in place, about five times a second for the bar
 * and twice for the chart (a PNG costs tens of milliseconds); the final state is always sent, so
 * the saved notebook keeps it. Installed for every fit by the kernel.
 */
final class LiveTraining implements TrainingListener {
    /** Where the outputs go: the kernel's display messages, or a recorder in tests. */
    interface Sink {
        String show(DisplayData data);

        void update(String id, DisplayData data);
    }

    static final Sink KERNEL = new Sink() {
        @Override
        public String show(DisplayData data) {
            return Display.display(data).id();
        }

        @Override
        public void update(String id, DisplayData data) {
            Display.updateDisplay(id, data);
        }
    };

    private final Sink sink;
    private final LongSupplier clock;
    private final TrainingView.Throttle barThrottle = new TrainingView.Throttle(5);
    private final TrainingView.Throttle chartThrottle = new TrainingView.Throttle(2);
    private String bar, chart;
    private Progress last;

    LiveTraining() {
        this(KERNEL, System::nanoTime);
    }

    LiveTraining(Sink sink, LongSupplier clock) {
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
        TrainingView.Progress v = new TrainingView.Progress(p.epoch(), p.epochs(), p.batch(), p.batches(), p.loss(),
                p.elapsedSeconds());
        String text = TrainingView.text(v);
        String html = TrainingView.html(v);
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
        data.putData("image/png", Charts.base64(TrainingCharts.lossChart(p.history(), p.batches(), "Training loss")));
        return data;
    }
}
