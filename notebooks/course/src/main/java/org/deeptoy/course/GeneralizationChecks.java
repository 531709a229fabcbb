package org.deeptoy.course;

import static org.deeptoy.course.Check.*;

import org.deeptoy.nn.History;

import java.util.Arrays;

/** Notebook 6b's exercise (early stopping). */
public final class GeneralizationChecks {
    private GeneralizationChecks() {}

    /** Early stopping's choice for validation accuracies and a patience: {best epoch, last epoch}, from 1. */
    @FunctionalInterface
    public interface EarlyStop {
        int[] epochs(double[] accuracy, int patience);
    }

    /**
     * Exercise: early stopping by hand. For validation accuracies ({@code acc[0]} is epoch 1) and a
     * patience, {@code {best, last}}: the epoch whose weights are kept and the last epoch run;
     * compared with the rule on hand-made cases (a tie, a stop, a run to the end), then with what
     * {@code fit} did in the notebook's own run ({@code run}, trained with {@code patience}).
     */
    public static boolean earlyStop(EarlyStop f, History run, int patience) {
        java.util.Random rnd = cases();
        double[][] cases = {{0.5, 0.6, 0.7, 0.65, 0.66, 0.64}, {0.5, 0.6, 0.6, 0.6, 0.7}, {0.9, 0.8, 0.7}, {0.1, 0.2, 0.3},
                randomRun(rnd), randomRun(rnd), randomRun(rnd)};
        int[] patiences = {2, 2, 1, 5, 1 + rnd.nextInt(3), 1 + rnd.nextInt(3), 1 + rnd.nextInt(3)};
        for (int k = 0; k < cases.length; k++) {
            double[] acc = cases[k];
            String on = " (accuracies " + Arrays.toString(acc) + ", patience " + patiences[k] + ")";
            String p = earlyStopProblem(f, acc, patiences[k], stopRule(acc, patiences[k], false));
            if (p != null) return fail(p + on);
        }
        int[] fit = {run.bestEpoch(), run.epochs().size()};
        String p = earlyStopProblem(f, run.validationAccuracy(), patience, fit);
        if (p != null) return fail(p + " on fit's run above (patience " + patience + ")");
        return pass("earlyStop agrees with the hand-made cases and with fit's run (kept epoch " + run.bestEpoch()
                + " of " + run.epochs().size() + ")");
    }

    /** Validation accuracies of a made-up run: rising, then wandering, two decimals (so ties happen). */
    private static double[] randomRun(java.util.Random rnd) {
        double[] acc = new double[6 + rnd.nextInt(6)];
        for (int e = 0; e < acc.length; e++) {
            acc[e] = Math.round(100 * Math.min(0.99, 0.5 + 0.4 * (1 - Math.exp(-e / 2.0)) + 0.03 * rnd.nextGaussian())) / 100.0;
        }
        return acc;
    }

    /** What is wrong with the student's {best, last} for one case (the right one is want), or null. */
    private static String earlyStopProblem(EarlyStop f, double[] acc, int patience, int[] want) {
        Outcome<int[]> o = attempt(() -> f.epochs(acc.clone(), patience));
        if (o.failed()) return o.problem();
        int[] got = o.value();
        if (got == null || got.length != 2) return "return two epochs, {best, last}";
        if (Arrays.equals(got, want)) return null;
        if (got[0] == want[0] - 1 && got[1] == want[1] - 1) return "your epochs count from 0, but acc[0] is epoch 1";
        if (Arrays.equals(got, stopRule(acc, patience, true))) {
            return "an equal accuracy is not a new best: the first epoch that reached it is kept";
        }
        if (got[0] != want[0]) return "the epoch kept is not the one with the highest accuracy so far";
        if (got[1] == acc.length) return "your run goes to the end: it should stop after `patience` epochs in a row without a new best";
        return got[1] < want[1]
                ? "your run stops too early: only epochs without a new best count, and a new best starts the count again"
                : "your run goes on too long: it stops once `patience` epochs in a row brought no new best";
    }

    /**
     * Early stopping's rule, 1-based: the first epoch with the highest accuracy so far, and where it
     * stops; with {@code equalIsNewBest} the usual mistake of counting a tie as a new best.
     */
    private static int[] stopRule(double[] acc, int patience, boolean equalIsNewBest) {
        int best = 0, since = 0;
        for (int e = 1; e < acc.length; e++) {
            if (acc[e] > acc[best] || equalIsNewBest && acc[e] == acc[best]) {
                best = e;
                since = 0;
            } else if (++since >= patience) {
                return new int[] {best + 1, e + 1};
            }
        }
        return new int[] {best + 1, acc.length};
    }
}
