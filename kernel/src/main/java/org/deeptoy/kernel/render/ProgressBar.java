package org.deeptoy.kernel.render;

import java.util.Locale;

/**
 * A training run's progress bar as pure functions of plain numbers: HTML (with a text/plain twin),
 * and a {@link Throttle} that keeps display updates to a few a second.
 * The kernel sends the results with {@code update_display_data}.
 */
public final class ProgressBar {
    private ProgressBar() {}

    /**
     * Where training stands; epochs and batches count from 1, and {@code batch} is the number of
     * batches finished in the current epoch (0 … batches).
     */
    public record Progress(int epoch, int epochs, int batch, int batches, double loss, double elapsedSeconds) {
        public Progress {
            if (epochs < 1 || batches < 1) {
                throw new IllegalArgumentException("Progress: epochs and batches must be positive, got " + epochs
                        + " epochs of " + batches + " batches");
            }
            if (epoch < 1 || epoch > epochs || batch < 0 || batch > batches) {
                throw new IllegalArgumentException("Progress: epoch " + epoch + "/" + epochs + ", batch " + batch + "/"
                        + batches + " is out of range (epochs count from 1, batches from 0 to " + batches + ")");
            }
        }

        /** The share of all batches done, 0 … 1. */
        public double fraction() {
            return ((epoch - 1) * (double) batches + batch) / ((double) epochs * batches);
        }

        /** Seconds left at the pace so far, or NaN before the first batch. */
        public double etaSeconds() {
            double f = fraction();
            return f <= 0 ? Double.NaN : elapsedSeconds * (1 - f) / f;
        }

        public boolean done() {
            return epoch == epochs && batch == batches;
        }
    }

    /** {@code epoch 2/10 · batch 120/469 · loss 0.3412 · 0:12 elapsed · ETA 0:48}. */
    public static String text(Progress p) {
        return "epoch " + p.epoch() + "/" + p.epochs() + " · batch " + p.batch() + "/" + p.batches()
                + " · loss " + (p.epoch() == 1 && p.batch() == 0 ? "–" : Numbers.format(p.loss())) + " · "
                + duration(p.elapsedSeconds())
                + (p.done() ? " in total" : " elapsed · ETA " + duration(p.etaSeconds()));
    }

    /** An HTML {@code <progress>} bar followed by {@link #text}. */
    public static String html(Progress p) {
        long permille = Math.round(p.fraction() * 1000);
        return "<div style=\"font-family:monospace;font-size:13px;line-height:1.6\">"
                + "<progress value=\"" + permille + "\" max=\"1000\" style=\"width:260px;vertical-align:middle\"></progress> "
                + String.format(Locale.ROOT, "%3d%%", Math.round(p.fraction() * 100)).replace(" ", "&nbsp;")
                + " " + unbroken(text(p)) + "</div>";
    }

    /** Lets a narrow output wrap the line only between its " · " parts, never inside "30.0 s". */
    private static String unbroken(String text) {
        StringBuilder sb = new StringBuilder();
        for (String part : text.split(" · ")) {
            if (sb.length() > 0) sb.append(" · ");
            sb.append("<span style=\"white-space:nowrap\">").append(part).append("</span>");
        }
        return sb.toString();
    }

    /** {@code 9.4 s} under a minute, then {@code 1:05} or {@code 1:02:03}; "?" when unknown. */
    public static String duration(double seconds) {
        if (Double.isNaN(seconds) || Double.isInfinite(seconds) || seconds < 0) return "?";
        if (seconds < 60) return String.format(Locale.ROOT, "%.1f s", seconds);
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    /**
     * Lets through at most one update per interval: {@code if (throttle.ready(System.nanoTime()))
     * send(...)}. Time is passed in, so the rule is testable; always send the final state too.
     */
    public static final class Throttle {
        private final long intervalNanos;
        private long last;
        private boolean started;

        /** At most {@code perSecond} updates a second (5 suits Jupyter). */
        public Throttle(double perSecond) {
            if (!(perSecond > 0)) throw new IllegalArgumentException("Throttle: updates per second must be positive, got " + perSecond);
            this.intervalNanos = (long) (1e9 / perSecond);
        }

        /** About five updates a second. */
        public static Throttle fivePerSecond() {
            return new Throttle(5);
        }

        /** Whether an update at {@code nowNanos} may go out; if so, it counts as sent. */
        public boolean ready(long nowNanos) {
            if (started && nowNanos - last < intervalNanos) return false;
            started = true;
            last = nowNanos;
            return true;
        }
    }
}
