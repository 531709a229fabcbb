package org.deeptoy.nn;

import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * What a notebook kernel lends to the code of one cell: the live display (progress bar and loss
 * chart) that every {@code fit} inside {@link #during} gets fresh from the factory, unless its
 * {@link FitOptions} pass their own display or switch it off; and a watch that hears every fit
 * whatever its options (the kernel gives a training cell a longer grace on Kernel > Interrupt, as
 * fit stops cleanly between batches). Scoped to the thread running the cell (and threads it
 * starts), not installed for the whole JVM.
 */
public final class LiveDisplay {
    private record Lent(Supplier<? extends TrainingListener> display, TrainingListener watch) {}

    private static final InheritableThreadLocal<Lent> LENT = new InheritableThreadLocal<>();

    private LiveDisplay() {}

    /**
     * Runs {@code body} with {@code factory} (or null: none) as the live display of every fit it
     * makes and {@code watch} (or null) hearing each of them first.
     */
    public static <T> T during(Supplier<? extends TrainingListener> factory, TrainingListener watch, Callable<T> body)
            throws Exception {
        Lent before = LENT.get();
        LENT.set(new Lent(factory, watch));
        try {
            return body.call();
        } finally {
            if (before == null) LENT.remove();
            else LENT.set(before);
        }
    }

    /** The display lent to this thread, or null. */
    static Supplier<? extends TrainingListener> lent() {
        Lent l = LENT.get();
        return l == null ? null : l.display();
    }

    /** The watch lent to this thread, or null. */
    static TrainingListener watch() {
        Lent l = LENT.get();
        return l == null ? null : l.watch();
    }
}
