package org.deeptoy.course;

import static org.deeptoy.course.Check.*;

import org.deeptoy.tensor.Tensor;

import java.util.Arrays;
import java.util.Random;

/** Notebook 6c's exercise (He initialisation of a relu layer). */
public final class InitChecks {
    private InitChecks() {}

    /** The student's initialisation: the weights of a layer with {@code fanIn} inputs and {@code fanOut} units. */
    @FunctionalInterface
    public interface Weights {
        Tensor make(Random random, int fanIn, int fanOut);
    }

    /** How far a measured spread may be from the right one (the tensors have at least 40 000 weights: ~0.4 % noise). */
    private static final double SPREAD = 0.05;

    /**
     * Exercise: He initialisation, weights [fanIn, fanOut] drawn with mean 0 and standard deviation
     * √(2 / fanIn), from the {@code random} passed in. Checked on layers of three random sizes: the shape,
     * the mean, the spread (each classic wrong spread named), and that the weights come from {@code random}.
     */
    public static boolean he(Weights heWeights) {
        if (heWeights == null) return fail("pass your method, e.g. (random, fanIn, fanOut) -> heWeights(random, fanIn, fanOut)");
        Random r = cases();
        for (int k = 0; k < 3; k++) {
            // fanOut well above 2·fanIn, so that each classic wrong spread differs from every other by more than SPREAD
            int fanIn = 100 + r.nextInt(61), fanOut = 400 + r.nextInt(201);
            long seed = r.nextLong();
            String on = " (for fanIn " + fanIn + ", fanOut " + fanOut + ")";
            Outcome<Tensor> made = attempt(() -> heWeights.make(new Random(seed), fanIn, fanOut));
            if (made.failed()) return fail(made.problem() + on);
            Tensor w = made.value();
            if (w == null) return fail("heWeights returns null: return the weights as a Tensor" + on);
            if (Arrays.equals(w.shape(), new int[] {fanOut, fanIn}) && fanIn != fanOut) {
                return fail("your weights have shape [fanOut, fanIn]: x·W needs one row per input, [fanIn, fanOut]" + on);
            }
            if (!Arrays.equals(w.shape(), new int[] {fanIn, fanOut})) {
                return fail("your weights have shape " + Compare.shape(w) + "; a layer's W has one row per input and one"
                        + " column per unit" + on);
            }
            double[] v = w.toArray();
            int bad = w.firstNonFinite();
            if (bad >= 0) return fail("your weights contain " + Compare.fmt(v[bad]) + on);
            double mean = 0;
            for (double x : v) mean += x;
            mean /= v.length;
            double var = 0;
            for (double x : v) var += (x - mean) * (x - mean);
            double std = Math.sqrt(var / v.length), want = Math.sqrt(2.0 / fanIn);
            if (std == 0) return fail("all your weights are " + Compare.fmt(mean) + ": equal weights make every unit of the"
                    + " layer compute the same thing (is the code still a placeholder?)" + on);
            if (Math.abs(mean) > 5 * std / Math.sqrt(v.length) + 1e-12) {
                return fail("your weights average " + Compare.fmt(mean) + ": they should be centred on 0" + on);
            }
            String spread = wrongSpread(std, want, fanIn, fanOut);
            if (spread != null) return fail(spread + on);
            Outcome<Tensor> again = attempt(() -> heWeights.make(new Random(seed), fanIn, fanOut));
            Outcome<Tensor> other = attempt(() -> heWeights.make(new Random(seed + 1), fanIn, fanOut));
            if (again.failed() || other.failed()) return fail((again.failed() ? again : other).problem() + on);
            if (!w.equals(again.value()) || w.equals(other.value())) {
                return fail("draw the weights from the random passed in (random.nextGaussian() or Tensor.randomNormal(random, ...)),"
                        + " so that one seed fixes a whole run" + on);
            }
        }
        return pass("your weights have shape [fanIn, fanOut], mean 0 and the He spread, drawn from the random passed in,"
                + " for three layer sizes");
    }

    /** What a wrong spread is (a hint that names the mistake, not the formula), or null when it is right. */
    private static String wrongSpread(double std, double want, int fanIn, int fanOut) {
        if (near(std, want)) return null;
        String yours = "your weights' standard deviation is " + Compare.fmt(std);
        if (near(std, Math.sqrt(1.0 / fanIn))) {
            return yours + ", right for a layer whose units all pass their values on (variance 1/fanIn); relu sets about"
                    + " half of them to 0: what does that do to the variance of the next layer's sum?";
        }
        if (near(std, 2.0 / fanIn) || near(std, 1.0 / fanIn)) {
            return yours + ", the variance the text derives: Tensor.randomNormal and nextGaussian take a standard deviation";
        }
        if (near(std, Math.sqrt(2.0 / (fanIn + fanOut)))) {
            return yours + ", Xavier's spread (for tanh, both fans): He's counts only the inputs of a relu layer";
        }
        if (near(std, Math.sqrt(2.0 / fanOut)) || near(std, Math.sqrt(1.0 / fanOut))) {
            return yours + ": it depends on fanOut; the forward argument sums over the inputs of each unit";
        }
        if (near(std, 1)) return yours + ": randomNormal(…, 0, 1, …) is the too-large initialisation of this notebook";
        return yours + ": " + (std > want ? "too large" : "too small") + " for He initialisation of this layer";
    }

    private static boolean near(double got, double want) {
        return Math.abs(got - want) <= SPREAD * want;
    }
}
