package org.deeptoy.tensor;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The loops of one op (a convolution's images, batch norm's rows, an activation's values) cut into
 * at most {@value #PARTS} parts and run on the engine's threads. How a loop is cut depends only on its
 * length, never on the number of threads, so a sum made part by part and then over the parts gives the
 * same bits on one thread as on several: a run is repeatable on a laptop and on a class server.
 *
 * <p>Threads: the BLAS setting ({@code deeptoy.blas.threads} / {@code DEEPTOY_BLAS_THREADS}, see
 * {@link OpenBlas}): the kernel gives a lone user one per core and a class server's students one each,
 * and then every part runs on the calling thread. OpenBLAS then runs each product on one thread and
 * large products are cut into parts of rows here ({@link OpenBlas}): an op's parts call small products
 * at once, and OpenBLAS's own threads, which spin while they wait, would take the cores from them.
 */
public final class Parallel {
    /** The most parts a loop is cut into. */
    public static final int PARTS = 4;

    /** One part of a loop: the indices [from, to) of part number {@code part}. */
    @FunctionalInterface
    public interface Part {
        void run(int part, int from, int to);
    }

    private static int threads = 1;
    private static ExecutorService helpers;
    /** Set on a thread while it runs parts: a loop inside a part runs there, not in parts of its own. */
    private static final ThreadLocal<Boolean> inside = new ThreadLocal<>();

    static {
        try {
            use(OpenBlas.threadsSetting());
        } catch (IllegalArgumentException e) { // OpenBlas.load reports the bad setting
            use(1);
        }
    }

    private Parallel() {}

    /** Runs the parts on {@code n} threads from now on (the calling thread and n - 1 helpers). */
    public static synchronized void use(int n) {
        if (n < 1) throw new IllegalArgumentException("threads must be at least 1, got " + n);
        if (helpers != null) helpers.shutdown();
        helpers = n == 1 ? null : Executors.newFixedThreadPool(n - 1, r -> {
            Thread t = new Thread(r, "deeptoy-parallel");
            t.setDaemon(true);
            return t;
        });
        threads = n;
    }

    /** The number of threads the parts run on. */
    public static int threads() {
        return threads;
    }

    /** The number of parts {@link #run} cuts a loop of {@code n} into, with at least {@code grain} indices in each. */
    public static int parts(int n, int grain) {
        return Math.max(1, Math.min(PARTS, n / Math.max(1, grain)));
    }

    /**
     * Cuts [0, n) into {@link #parts(int, int) parts(n, grain)} ranges of near-equal length and runs
     * {@code body} on each, in parallel when there are threads to spare; returns the number of parts.
     * An exception in a part is thrown here after every part has ended.
     */
    public static int run(int n, int grain, Part body) {
        int parts = parts(n, grain);
        ExecutorService pool = helpers;
        if (pool == null || parts == 1 || inside.get() != null) { // a part's own loops run in that part
            for (int p = 0; p < parts; p++) body.run(p, start(n, parts, p), start(n, parts, p + 1));
            return parts;
        }
        AtomicInteger next = new AtomicInteger();
        Runnable take = () -> {
            inside.set(Boolean.TRUE);
            try {
                for (int p; (p = next.getAndIncrement()) < parts; ) body.run(p, start(n, parts, p), start(n, parts, p + 1));
            } finally {
                inside.remove();
            }
        };
        {
            Future<?>[] others = new Future<?>[Math.min(threads, parts) - 1];
            for (int t = 0; t < others.length; t++) others[t] = pool.submit(take);
            Throwable failed = null;
            try {
                take.run();
            } catch (RuntimeException | Error e) {
                failed = e;
            }
            boolean interrupted = false;
            for (Future<?> f : others) {
                while (true) { // every part ends before the op's arrays are used, even when interrupted
                    try {
                        f.get();
                        break;
                    } catch (ExecutionException e) {
                        if (failed == null) failed = e.getCause();
                        break;
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
            }
            if (interrupted) Thread.currentThread().interrupt();
            if (failed instanceof RuntimeException r) throw r;
            if (failed instanceof Error e) throw e;
            if (failed != null) throw new IllegalStateException(failed);
        }
        return parts;
    }

    /** Where part p of [0, n) cut into {@code parts} starts. */
    private static int start(int n, int parts, int p) {
        return (int) ((long) n * p / parts);
    }
}
