package org.deeptoy.nn;

import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * The live display (progress bar and loss chart) that a notebook kernel lends to the code of one
 * cell: every {@code fit} run inside {@link #during} gets a fresh listener from the factory, unless
 * its {@link FitOptions} pass their own display or switch it off. Scoped to the thread running the
 * cell (and threads it starts), not installed for the whole JVM.
 */
public final class LiveDisplay {
    private static final InheritableThreadLocal<Supplier<? extends TrainingListener>> LENT = new InheritableThreadLocal<>();

    private LiveDisplay() {}

    /** Runs {@code body} with {@code factory} as the live display of every fit it makes. */
    public static <T> T during(Supplier<? extends TrainingListener> factory, Callable<T> body) throws Exception {
        Supplier<? extends TrainingListener> before = LENT.get();
        LENT.set(factory);
        try {
            return body.call();
        } finally {
            if (before == null) LENT.remove();
            else LENT.set(before);
        }
    }

    /** The display lent to this thread, or null. */
    static Supplier<? extends TrainingListener> lent() {
        return LENT.get();
    }
}
