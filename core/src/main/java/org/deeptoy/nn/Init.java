package org.deeptoy.nn;

import org.deeptoy.tensor.Tensor;

import java.util.Random;

/** How a layer's weights start: random, with a spread chosen so signals keep their size layer after layer. */
public enum Init {
    /** He et al. (2015), for relu: N(0, 2 / fanIn). */
    HE,
    /** Glorot and Bengio (2010), for tanh and sigmoid: N(0, 2 / (fanIn + fanOut)). */
    XAVIER,
    /** Small weights N(0, 0.001²), as the classic linear SVM exercise starts. */
    SMALL;

    /** Weights of the given shape for a layer with {@code fanIn} inputs and {@code fanOut} outputs per unit. */
    public Tensor weights(Random random, int fanIn, int fanOut, int... shape) {
        double std = switch (this) {
            case HE -> Math.sqrt(2.0 / fanIn);
            case XAVIER -> Math.sqrt(2.0 / (fanIn + fanOut));
            case SMALL -> 0.001;
        };
        return Tensor.randomNormal(random, 0, std, shape);
    }
}
