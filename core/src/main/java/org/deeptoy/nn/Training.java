package org.deeptoy.nn;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which threads are inside a {@code fit} right now. A notebook kernel asks it to give a training
 * cell a longer grace on Kernel > Interrupt: fit stops cleanly between batches, and a big batch
 * may take seconds.
 */
public final class Training {
    private static final Set<Thread> RUNNING = ConcurrentHashMap.newKeySet();

    private Training() {}

    /** Whether {@code thread} is running a {@code fit} (of any model) at this moment. */
    public static boolean isRunning(Thread thread) {
        return RUNNING.contains(thread);
    }

    /** Marks the calling thread as training; true if it was not already (a nested fit). */
    static boolean enter() {
        return RUNNING.add(Thread.currentThread());
    }

    /** Ends what {@link #enter} marked, when it returned true. */
    static void exit(boolean entered) {
        if (entered) RUNNING.remove(Thread.currentThread());
    }
}
