package org.deeptoy.course;

import org.deeptoy.tensor.Shapes;
import org.deeptoy.tensor.Tensor;

import java.util.Arrays;
import java.util.Locale;

/**
 * How a student's numbers differ from the right ones: not at all, NaN, the wrong sign, a constant
 * factor, a constant offset, or just different values. Exercise checks turn the kind into advice.
 */
final class Compare {
    /** Relative tolerance for "the same number". */
    static final double TOLERANCE = 1e-6;

    enum Kind { SAME, NOT_FINITE, ZERO, SIGN, FACTOR, OFFSET, VALUES }

    /**
     * The difference between {@code got} and {@code want} (same length).
     *
     * @param factor got / want when {@code kind} is FACTOR
     * @param offset got - want when {@code kind} is OFFSET
     * @param index  the first element that differs (or is not finite)
     */
    record Diff(Kind kind, double factor, double offset, int index, double got, double want) {
        boolean same() {
            return kind == Kind.SAME;
        }

        /** A short explanation, e.g. "the sign is wrong: ...", with indices named by {@code where}. */
        String describe(Where where) {
            return switch (kind) {
                case SAME -> "right";
                case NOT_FINITE -> "your result has " + fmt(got) + " at " + where.at(index)
                        + " (check for 0/0, log(0) or exp of a large number)";
                case ZERO -> "all your values are 0 (is the code still a placeholder?)";
                case SIGN -> "the sign is wrong: each of your values has the opposite sign of the right one";
                case FACTOR -> "off by a constant factor: yours are " + fmtFactor(factor) + " the right values";
                case OFFSET -> "off by a constant: yours are the right values " + (offset > 0 ? "+ " : "- ")
                        + fmt(Math.abs(offset));
                case VALUES -> "at " + where.at(index) + " your " + fmt(got) + " is not right";
            };
        }
    }

    /** Names an element in messages: "[1, 2]" for a tensor, "x = 0.5" for a list of inputs. */
    interface Where {
        String at(int index);

        static Where flat(int[] shape) {
            return i -> shape.length == 0 ? "the value" : "index " + Arrays.toString(Shapes.unravel(i, shape));
        }
    }

    private Compare() {}

    static boolean close(double got, double want) {
        if (got == want) return true;
        if (!Double.isFinite(got) || !Double.isFinite(want)) return false; // inf - x <= TOLERANCE · inf would hold
        return Math.abs(got - want) <= TOLERANCE * Math.max(1, Math.max(Math.abs(got), Math.abs(want)));
    }

    static Diff diff(double[] got, double[] want) {
        if (got.length != want.length) throw new IllegalArgumentException("diff: lengths differ");
        for (int i = 0; i < got.length; i++) {
            if (!Double.isFinite(got[i]) && Double.isFinite(want[i])) {
                return new Diff(Kind.NOT_FINITE, Double.NaN, Double.NaN, i, got[i], want[i]);
            }
        }
        int first = -1, largest = 0;
        for (int i = 0; i < got.length; i++) {
            if (first < 0 && !close(got[i], want[i])) first = i;
            if (Math.abs(want[i]) > Math.abs(want[largest])) largest = i;
        }
        if (first < 0) return new Diff(Kind.SAME, 1, 0, -1, Double.NaN, Double.NaN);
        double g = got[first], w = want[first];
        boolean zero = true;
        for (double v : got) zero &= v == 0;
        if (zero) return new Diff(Kind.ZERO, 0, Double.NaN, first, g, w);
        if (Math.abs(want[largest]) > 1e-12) {
            double k = got[largest] / want[largest];
            boolean factor = true;
            for (int i = 0; i < got.length; i++) factor &= close(got[i], k * want[i]);
            if (factor) {
                return close(k, -1) ? new Diff(Kind.SIGN, -1, Double.NaN, first, g, w)
                        : new Diff(Kind.FACTOR, k, Double.NaN, first, g, w);
            }
        }
        double c = g - w;
        boolean offset = true;
        for (int i = 0; i < got.length; i++) offset &= close(got[i], want[i] + c);
        if (offset) return new Diff(Kind.OFFSET, Double.NaN, c, first, g, w);
        return new Diff(Kind.VALUES, Double.NaN, Double.NaN, first, g, w);
    }

    static Diff diff(double got, double want) {
        return diff(new double[] {got}, new double[] {want});
    }

    /** A number as a student reads it: at most 6 significant digits, integers without ".0". */
    static String fmt(double v) {
        if (Double.isNaN(v)) return "NaN";
        if (Double.isInfinite(v)) return v > 0 ? "+infinity" : "-infinity";
        if (v == Math.rint(v) && Math.abs(v) < 1e9) return String.valueOf((long) v);
        String s = String.format(Locale.ROOT, "%.6g", v);
        if (s.contains("e")) return s;
        s = s.replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    static String fmtFactor(double k) {
        if (close(k, Math.rint(k))) return fmt(Math.rint(k)) + " ×";
        double inv = 1 / k;
        if (close(inv, Math.rint(inv))) return (k < 0 ? "-" : "") + "1/" + fmt(Math.abs(Math.rint(inv))) + " ×";
        return fmt(k) + " ×";
    }

    static String shape(Tensor t) {
        return Shapes.toString(t.shape());
    }
}
