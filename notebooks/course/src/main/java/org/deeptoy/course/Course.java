package org.deeptoy.course;

import java.util.Locale;

/**
 * Settings the course notebooks share. Quick mode ({@code DEEPTOY_QUICK=1}, or the system property
 * {@code deeptoy.quick}) is how CI runs every notebook in minutes: smaller subsets, fewer epochs.
 *
 * <pre>{@code
 * int epochs = Course.pick(20, 2);           // 20 epochs normally, 2 in quick mode
 * var train = Course.quick() ? mnist.train().rows(0, 2000) : mnist.train();
 * }</pre>
 */
public final class Course {
    private Course() {}

    /** Whether the notebooks should run in quick mode (CI): env DEEPTOY_QUICK or -Ddeeptoy.quick set to 1/true/yes. */
    public static boolean quick() {
        String p = System.getProperty("deeptoy.quick");
        return isOn(p != null ? p : System.getenv("DEEPTOY_QUICK"));
    }

    /**
     * Whether notebooks are being graded (env DEEPTOY_GRADE or -Ddeeptoy.grade set to 1/true/yes): a
     * failed check then throws {@link CheckFailed} instead of printing ✗, so an autograder scores it 0.
     */
    public static boolean grading() {
        String p = System.getProperty("deeptoy.grade");
        return isOn(p != null ? p : System.getenv("DEEPTOY_GRADE"));
    }

    /** {@code full} normally, {@code quick} in quick mode. */
    public static int pick(int full, int quick) {
        return quick() ? quick : full;
    }

    /** {@code full} normally, {@code quick} in quick mode. */
    public static double pick(double full, double quick) {
        return quick() ? quick : full;
    }

    static boolean isOn(String value) {
        if (value == null) return false;
        String v = value.trim().toLowerCase(Locale.ROOT);
        return v.equals("1") || v.equals("true") || v.equals("yes") || v.equals("on");
    }
}
