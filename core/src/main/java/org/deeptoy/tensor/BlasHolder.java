package org.deeptoy.tensor;

import java.util.Locale;

/** Holds the chosen {@link Blas}: OpenBLAS where it loads, else pure-Java EJML. */
final class BlasHolder {
    private static OpenBlas openBlas;
    private static String openBlasFailure;

    static volatile Blas current = initial();

    private BlasHolder() {}

    /** The configured backend; a bad setting costs one line on standard error, not a broken class. */
    private static Blas initial() {
        String name = setting();
        try {
            return byName(name);
        } catch (IllegalArgumentException | IllegalStateException e) {
            Blas fallback = openBlas() != null ? openBlas : new EjmlBlas();
            System.err.println("DeepToy: BLAS setting '" + name + "': " + e.getMessage() + "; using " + fallback.name());
            return fallback;
        }
    }

    static String setting() {
        String s = System.getProperty("deeptoy.blas");
        if (s == null) s = System.getenv("DEEPTOY_BLAS");
        return s == null || s.isBlank() ? "default" : s.trim();
    }

    static Blas byName(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "ejml" -> new EjmlBlas();
            case "openblas" -> {
                OpenBlas b = openBlas();
                if (b == null) throw new IllegalStateException(openBlasFailure + "; use \"ejml\" instead");
                yield b;
            }
            case "default" -> {
                OpenBlas b = openBlas();
                if (b != null) yield b;
                // One line, no stack trace: training still works, only slower.
                System.err.println("DeepToy: using pure-Java EJML for matrix multiplication (slower) because "
                        + openBlasFailure);
                yield new EjmlBlas();
            }
            default -> throw new IllegalArgumentException("unknown BLAS backend '" + name
                    + "': use \"openblas\" or \"ejml\"");
        };
    }

    /** The loaded OpenBLAS backend, or null (with {@link #openBlasFailure} saying why); tried once. */
    private static synchronized OpenBlas openBlas() {
        if (openBlas == null && openBlasFailure == null) {
            try {
                openBlas = OpenBlas.load();
            } catch (IllegalStateException e) {
                openBlasFailure = e.getMessage();
            }
        }
        return openBlas;
    }
}
