package org.deeptoy.tensor;

/** Holds the chosen {@link Blas}; the OpenBLAS backend is added by the learning work. */
final class BlasHolder {
    static volatile Blas current = byName(setting());

    private BlasHolder() {}

    static String setting() {
        String s = System.getProperty("deeptoy.blas");
        if (s == null) s = System.getenv("DEEPTOY_BLAS");
        return s == null ? "default" : s;
    }

    static Blas byName(String name) {
        return switch (name.toLowerCase()) {
            case "ejml", "default" -> new EjmlBlas();
            default -> throw new IllegalArgumentException("unknown BLAS backend '" + name
                    + "': use \"ejml\" or \"openblas\"");
        };
    }
}
