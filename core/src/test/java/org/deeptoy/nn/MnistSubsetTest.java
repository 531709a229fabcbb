package org.deeptoy.nn;

import org.deeptoy.data.Datasets;
import org.deeptoy.data.Scaler;
import org.deeptoy.data.Split;
import org.deeptoy.optim.Adam;
import org.deeptoy.tensor.Blas;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs in both surefire executions: on the default backend (OpenBLAS) and on pure-Java EJML. */
class MnistSubsetTest {
    @Test
    void mlpOnFiveThousandMnistImagesReachesNinetyPercent() {
        Split mnist = Datasets.mnist();
        Mlp mlp = Mlp.builder().layers(784, 128, 10).seed(1).build();
        mlp.scaler(Scaler.pixels());
        mlp.fit(mnist.train().first(5000), new FitOptions().epochs(8).batchSize(32).optimizer(new Adam(1e-3)).seed(1).verbose(false));
        double acc = mlp.score(mnist.test().first(2000));
        System.out.println("MNIST 5,000 images, 784-128-10, 8 epochs on " + Blas.current().name() + ": test accuracy " + acc);
        assertTrue(acc >= 0.90, "accuracy " + acc + " on " + Blas.current().name());
    }
}
