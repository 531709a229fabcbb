package org.deeptoy.kernel.render;

import org.deeptoy.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Short number formatting shared by the renderers: at most four significant digits, no noise. */
final class Numbers {
    private Numbers() {}

    /** 3.0 -> "3", 0.73105857 -> "0.7311", 12345.6 -> "12346", 1.5e-7 -> "1.5e-07". */
    static String format(double v) {
        return format(v, 4);
    }

    /** {@link #format(double)} with {@code digits} significant digits (at least 1). */
    static String format(double v, int digits) {
        if (Double.isNaN(v)) return "nan";
        if (Double.isInfinite(v)) return v > 0 ? "inf" : "-inf";
        if (v == 0) return "0";
        double a = Math.abs(v);
        if (v == Math.rint(v) && a < 1e9) return String.valueOf((long) v);
        if (a < 1e-4 || a >= 1e9) return trimExponent(String.format(Locale.ROOT, "%." + (digits - 1) + "e", v));
        int intDigits = a >= 1 ? (int) Math.floor(Math.log10(a)) + 1 : 0;
        String s = a >= 1
                ? String.format(Locale.ROOT, "%." + Math.max(0, digits - intDigits) + "f", v)
                : String.format(Locale.ROOT, "%." + digits + "g", v);
        return trimZeros(s);
    }

    /**
     * A tensor in a few short lines for a picture: the full nested list when it has at most
     * {@code full} elements (a matrix one row per line), else the first entries and "…";
     * elements get {@code digits} significant digits.
     */
    static List<String> briefLines(Tensor t, int full, int digits) {
        int[] shape = t.shape();
        double[] d = t.data();
        if (shape.length == 0) return List.of(format(d[0]));
        if (shape.length == 2 && t.size() <= full && shape[0] > 1) {
            List<String> lines = new ArrayList<>();
            for (int r = 0; r < shape[0]; r++) {
                StringBuilder sb = new StringBuilder(r == 0 ? "[[" : " [");
                for (int c = 0; c < shape[1]; c++) sb.append(c == 0 ? "" : ", ").append(format(d[r * shape[1] + c], digits));
                lines.add(sb.append(r == shape[0] - 1 ? "]]" : "],").toString());
            }
            return lines;
        }
        return List.of(oneLine(t, full, digits));
    }

    private static String oneLine(Tensor t, int full, int digits) {
        int[] shape = t.shape();
        double[] d = t.data();
        StringBuilder sb = new StringBuilder();
        if (t.size() <= full) {
            nested(sb, d, shape, 0, 0, digits);
            return sb.toString();
        }
        // Only the first entries of the innermost row: enough to recognise the numbers.
        int last = shape[shape.length - 1];
        sb.append("[".repeat(shape.length));
        int shown = Math.min(last, 3);
        for (int i = 0; i < shown; i++) sb.append(i == 0 ? "" : ", ").append(format(d[i], digits));
        if (last > shown) sb.append(", …");
        sb.append(']');
        if (shape.length > 1) sb.append(", …").append("]".repeat(shape.length - 1));
        return sb.toString();
    }

    private static void nested(StringBuilder sb, double[] d, int[] shape, int axis, int offset, int digits) {
        int stride = 1;
        for (int i = axis + 1; i < shape.length; i++) stride *= shape[i];
        sb.append('[');
        for (int i = 0; i < shape[axis]; i++) {
            if (i > 0) sb.append(", ");
            if (axis == shape.length - 1) sb.append(format(d[offset + i], digits));
            else nested(sb, d, shape, axis + 1, offset + i * stride, digits);
        }
        sb.append(']');
    }

    private static String trimZeros(String s) {
        if (s.indexOf('.') < 0) return s;
        s = s.replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    private static String trimExponent(String s) {
        int e = s.indexOf('e');
        return trimZeros(s.substring(0, e)) + s.substring(e);
    }
}
