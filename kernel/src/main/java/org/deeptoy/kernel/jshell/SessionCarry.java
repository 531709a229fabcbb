package org.deeptoy.kernel.jshell;

import java.util.HashMap;
import java.util.Map;

/**
 * Hands live values from one JShell to the next when the kernel rebuilds its session: the new
 * session declares {@code T name = (T) SessionCarry.take("name");}. Public because snippet code
 * calls it; students have no use for it.
 */
public final class SessionCarry {
    private static final Map<String, Object> VALUES = new HashMap<>();

    private SessionCarry() {
    }

    static synchronized void put(String name, Object value) {
        VALUES.put(name, value);
    }

    /** The value carried under {@code name}, removed from the carrier. */
    public static synchronized Object take(String name) {
        return VALUES.remove(name);
    }

    static synchronized void clear() {
        VALUES.clear();
    }
}
