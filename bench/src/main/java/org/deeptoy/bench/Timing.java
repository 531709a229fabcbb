package org.deeptoy.bench;

import java.util.Arrays;

/** Times a task: warm-up, then the median of several timed rounds (robust to a noisy shared machine). */
final class Timing {
    private Timing() {}

    /**
     * Seconds per call of {@code task}: warms up for about {@code warmupSeconds}, then times
     * {@code rounds} rounds of about {@code roundSeconds} each and returns the median.
     */
    static double secondsPerCall(Runnable task, double warmupSeconds, int rounds, double roundSeconds) {
        long end = System.nanoTime() + (long) (warmupSeconds * 1e9);
        int calls = 0;
        long t0 = System.nanoTime();
        do {
            task.run();
            calls++;
        } while (System.nanoTime() < end);
        double perCall = (System.nanoTime() - t0) / 1e9 / calls;
        int n = Math.max(1, (int) (roundSeconds / perCall));
        double[] r = new double[rounds];
        for (int i = 0; i < rounds; i++) {
            long s = System.nanoTime();
            for (int j = 0; j < n; j++) task.run();
            r[i] = (System.nanoTime() - s) / 1e9 / n;
        }
        Arrays.sort(r);
        return r[rounds / 2];
    }
}
