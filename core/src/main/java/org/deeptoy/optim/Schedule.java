package org.deeptoy.optim;

import java.util.Locale;

/** A learning rate that changes from epoch to epoch: {@code rate(base, epoch)}, epoch from 0. */
@FunctionalInterface
public interface Schedule {
    double rate(double base, int epoch);

    /** The same rate every epoch. */
    static Schedule constant() {
        return Constant.INSTANCE;
    }

    /** {@code base · gamma^floor(epoch / every)}: e.g. halve the rate every 5 epochs with (5, 0.5). */
    static Schedule step(int every, double gamma) {
        if (every <= 0) throw new IllegalArgumentException("Schedule.step: every must be positive, got " + every);
        return new Schedule() {
            public double rate(double base, int epoch) {
                return base * Math.pow(gamma, epoch / every);
            }

            public String toString() {
                return String.format(Locale.ROOT, "step decay ×%s every %d epochs", gamma, every);
            }
        };
    }

    /** {@code base · gamma^epoch}. */
    static Schedule exponential(double gamma) {
        return new Schedule() {
            public double rate(double base, int epoch) {
                return base * Math.pow(gamma, epoch);
            }

            public String toString() {
                return String.format(Locale.ROOT, "exponential decay ×%s per epoch", gamma);
            }
        };
    }

    /**
     * Cosine annealing over {@code epochs} epochs (Loshchilov and Hutter, 2017):
     * {@code base · ½(1 + cos(π · epoch / epochs))}, from the full rate in the first epoch smoothly down
     * to nearly 0 in the last; later epochs keep the last rate.
     */
    static Schedule cosine(int epochs) {
        if (epochs <= 0) throw new IllegalArgumentException("Schedule.cosine: epochs must be positive, got " + epochs);
        return new Schedule() {
            public double rate(double base, int epoch) {
                return base * 0.5 * (1 + Math.cos(Math.PI * Math.min(epoch, epochs - 1) / epochs));
            }

            public String toString() {
                return String.format(Locale.ROOT, "cosine over %d epochs", epochs);
            }
        };
    }

    enum Constant implements Schedule {
        INSTANCE;

        public double rate(double base, int epoch) {
            return base;
        }
    }
}
