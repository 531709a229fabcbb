package org.deeptoy.tensor;

import java.util.Locale;

/** numpy-style printing: nested brackets, aligned columns, "..." past a threshold. */
final class TensorFormat {
    static final int THRESHOLD = 1000;
    static final int EDGE = 3;

    private TensorFormat() {}

    static String format(Tensor t) {
        int[] shape = t.shape();
        if (shape.length == 0) return "tensor(" + number(t.data()[0]) + ")";
        boolean summarise = t.size() > THRESHOLD;
        double[] d = t.data();
        // Columns are as wide as the widest value shown (as numpy): measuring only those keeps
        // printing a 60000 x 784 batch instant instead of formatting every hidden value.
        int[] width = {0};
        block(null, d, shape, 0, 0, width, summarise, 7);
        StringBuilder sb = new StringBuilder("tensor(");
        block(sb, d, shape, 0, 0, width, summarise, 7);
        sb.append(", shape=").append(Shapes.toString(shape)).append(')');
        return sb.toString();
    }

    /** Appends the nested brackets to {@code sb}, or with {@code sb == null} only widens {@code width[0]}. */
    private static void block(StringBuilder sb, double[] d, int[] shape, int axis, int offset, int[] width,
                              boolean summarise, int indent) {
        int n = shape[axis];
        int stride = 1;
        for (int i = axis + 1; i < shape.length; i++) stride *= shape[i];
        boolean last = axis == shape.length - 1;
        if (sb != null) sb.append('[');
        for (int i = 0; i < n; i++) {
            if (summarise && n > 2 * EDGE && i == EDGE) {
                if (sb != null) sb.append(last ? "..., " : "...,\n" + " ".repeat(indent + axis + 1));
                i = n - EDGE;
            }
            if (last) {
                String s = number(d[offset + i]);
                if (sb == null) width[0] = Math.max(width[0], s.length());
                else sb.append(" ".repeat(width[0] - s.length())).append(s);
            } else {
                block(sb, d, shape, axis + 1, offset + i * stride, width, summarise, indent);
            }
            if (sb != null && i < n - 1) {
                if (last) sb.append(", ");
                else sb.append(",").append("\n".repeat(shape.length - 1 - axis)).append(" ".repeat(indent + axis + 1));
            }
        }
        if (sb != null) sb.append(']');
    }

    /** Short, exact-looking numbers: 3.0 -> "3.", 0.1234567 -> "0.1235"; always a decimal point, whatever the locale. */
    static String number(double v) {
        if (Double.isNaN(v)) return "nan";
        if (Double.isInfinite(v)) return v > 0 ? "inf" : "-inf";
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return String.format(Locale.ROOT, "%.0f.", v);
        double a = Math.abs(v);
        if (a >= 1e-4 && a < 1e6) {
            String s = String.format(Locale.ROOT, "%.4f", v);
            s = s.replaceAll("0+$", "");
            return s;
        }
        return String.format(Locale.ROOT, "%.4e", v);
    }
}
