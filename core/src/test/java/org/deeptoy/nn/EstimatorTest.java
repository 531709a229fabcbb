package org.deeptoy.nn;

import org.deeptoy.data.Dataset;
import org.deeptoy.data.Datasets;
import org.deeptoy.data.Scaler;
import org.deeptoy.data.Split;
import org.deeptoy.graph.ComputationalGraph;
import org.deeptoy.graph.Connection;
import org.deeptoy.graph.DeepToyException;
import org.deeptoy.optim.Adam;
import org.deeptoy.optim.Sgd;
import org.deeptoy.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EstimatorTest {
    /** Three Gaussian blobs in the plane, centres far apart, seeded. */
    static Dataset blobs(int perClass, long seed) {
        Random r = new Random(seed);
        double[][] centres = {{0, 0}, {4, 4}, {-4, 4}};
        double[] x = new double[3 * perClass * 2];
        int[] y = new int[3 * perClass];
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < perClass; i++) {
                int k = c * perClass + i;
                x[2 * k] = centres[c][0] + r.nextGaussian();
                x[2 * k + 1] = centres[c][1] + r.nextGaussian();
                y[k] = c;
            }
        }
        return new Dataset("blobs", Tensor.wrap(x, y.length, 2), y, List.of("a", "b", "c"));
    }

    static Dataset xor() {
        return new Dataset("xor", Tensor.matrix(new double[] {0, 0}, new double[] {0, 1}, new double[] {1, 0}, new double[] {1, 1}),
                new int[] {0, 1, 1, 0}, List.of("0", "1"));
    }

    private static FitOptions quiet(int epochs, int batch) {
        return new FitOptions().epochs(epochs).batchSize(batch).verbose(false).seed(3);
    }

    @Test
    void mlpLearnsXorWhichNoLinearModelCan() {
        Mlp mlp = Mlp.builder().layers(2, 8, 2).activation(Activation.TANH).seed(1).build();
        History h = mlp.fit(xor(), quiet(300, 4).optimizer(new Adam(0.05)));
        assertEquals(1.0, mlp.score(xor()));
        assertTrue(h.last().loss() < 0.05, h.toString());
        LinearSvm svm = LinearSvm.builder().inputs(2).classes(2).seed(1).build();
        svm.fit(xor(), quiet(300, 4));
        assertTrue(svm.score(xor()) <= 0.75, "a line cannot separate XOR");
    }

    @Test
    void svmSeparatesBlobsOnHeldOutData() {
        Split s = blobs(100, 5).split(0.3, 1);
        LinearSvm svm = LinearSvm.builder().inputs(2).classes(3).seed(2).build();
        History h = svm.fit(s.train(), quiet(30, 16));
        assertTrue(svm.score(s.test()) >= 0.97, "accuracy " + svm.score(s.test()));
        assertTrue(h.loss()[h.loss().length - 1] < h.loss()[0], "the hinge loss falls: " + h);
    }

    @Test
    void irisRecipesOfTheCourseReachHeldOutAccuracy() {
        Split s = Datasets.iris().split(0.3, 1);
        LinearSvm svm = LinearSvm.builder().inputs(4).classes(3).l2(1e-3).seed(1).build();
        svm.scaler(Scaler.standardize(s.train()));
        svm.fit(s.train(), quiet(200, 16).optimizer(new Sgd(0.01).momentum(0.9)));
        Mlp mlp = Mlp.builder().layers(4, 16, 3).l2(1e-2).seed(1).build();
        mlp.scaler(Scaler.standardize(s.train()));
        mlp.fit(s.train(), quiet(100, 16).optimizer(new Adam(0.01)));
        assertTrue(svm.score(s.test()) >= 0.93, "svm " + svm.score(s.test()));
        assertTrue(mlp.score(s.test()) >= 0.93, "mlp " + mlp.score(s.test()));
        assertEquals(List.of("setosa", "versicolor", "virginica"), mlp.classNames());
    }

    @Test
    void predictProbaRowsAreProbabilitiesThatAgreeWithPredict() {
        Split s = blobs(50, 6).split(0.3, 2);
        Mlp mlp = Mlp.builder().layers(2, 8, 3).seed(4).build();
        mlp.fit(s.train(), quiet(20, 16));
        Tensor p = mlp.predictProba(s.test());
        int[] predicted = mlp.predict(s.test());
        assertArrayEquals(new int[] {s.test().size(), 3}, p.shape());
        for (int i = 0; i < s.test().size(); i++) {
            double sum = p.get(i, 0) + p.get(i, 1) + p.get(i, 2);
            assertEquals(1, sum, 1e-12);
            assertEquals(predicted[i], p.rows(i, i + 1).argmaxRows()[0]);
        }
        int[][] cm = mlp.confusionMatrix(s.test());
        int diagonal = cm[0][0] + cm[1][1] + cm[2][2];
        assertEquals(mlp.score(s.test()), (double) diagonal / s.test().size(), 1e-12);
    }

    @Test
    void sameSeedSameRunDifferentSeedDifferentRun() {
        Dataset d = blobs(30, 7);
        double[] a = trainedWeights(d, 1), b = trainedWeights(d, 1), c = trainedWeights(d, 2);
        assertArrayEquals(a, b);
        assertFalse(java.util.Arrays.equals(a, c));
    }

    private static double[] trainedWeights(Dataset d, long seed) {
        Mlp mlp = Mlp.builder().layers(2, 4, 3).seed(9).build();
        mlp.fit(d, quiet(3, 8).seed(seed));
        return mlp.graph().find("W1").value().toArray();
    }

    @Test
    void historyListenersAndValidation() {
        Dataset d = blobs(40, 8); // 120 examples: 96 train + 24 validation, batches of 32 -> 3 per epoch
        List<String> heard = new ArrayList<>();
        TrainingListener l = new TrainingListener() {
            public void trainingStarted(Progress p) { heard.add("start " + p.batches()); }
            public void batchEnded(Progress p) { heard.add("b" + p.epoch() + "." + p.batch()); }
            public void epochEnded(Progress p, History.Epoch e) { heard.add("e" + e.epoch()); }
            public void trainingEnded(History h) { heard.add("end " + h.epochs().size()); }
        };
        Mlp mlp = Mlp.builder().layers(2, 4, 3).seed(1).build();
        History h = mlp.fit(d, quiet(2, 32).validationSplit(0.2).listener(l));
        assertEquals(List.of("start 3", "b1.1", "b1.2", "b1.3", "e1", "b2.1", "b2.2", "b2.3", "e2", "end 2"), heard);
        assertEquals(2, h.epochs().size());
        assertEquals(6, h.batchLosses().size());
        assertTrue(h.last().hasValidation() && h.last().validationAccuracy() >= 0 && h.last().validationAccuracy() <= 1);
        assertNull(h.stopped());
        assertTrue(h.toString().contains("val. acc."), h.toString());
        assertEquals(h, mlp.history());
    }

    @Test
    void theLentLiveDisplayHearsEveryFitUnlessSwitchedOffAndAPassedOneReplacesIt() throws Exception {
        List<String> made = new ArrayList<>();
        java.util.function.Function<String, java.util.function.Supplier<TrainingListener>> display = name -> () -> {
            made.add(name);
            return new TrainingListener() {
                public void trainingEnded(History h) { made.add(name + " ended"); }
            };
        };
        Mlp mlp = Mlp.builder().layers(2, 4, 3).seed(1).build();
        LiveDisplay.during(display.apply("lent"), null, () -> {
            mlp.fit(blobs(10, 1), new FitOptions().epochs(1));
            mlp.fit(blobs(10, 1), new FitOptions().epochs(1).live(false));
            return mlp.fit(blobs(10, 1), new FitOptions().epochs(1).display(display.apply("own")));
        });
        assertEquals(List.of("lent", "lent ended", "lent", "own", "own ended"), made, "made but not attached when off");
        mlp.fit(blobs(10, 1), quiet(1, 8));
        assertEquals(5, made.size(), "nothing lent outside during()");
    }

    @Test
    void earlyStoppingKeepsTheBestValidationWeights() {
        Split s = blobs(40, 13).split(0.5, 1);
        Mlp mlp = Mlp.builder().layers(2, 16, 3).seed(2).build();
        List<double[]> weightsPerEpoch = new ArrayList<>();
        TrainingListener recorder = new TrainingListener() {
            public void epochEnded(Progress p, History.Epoch e) { weightsPerEpoch.add(mlp.graph().find("W1").value().toArray()); }
        };
        History h = mlp.fit(s.train(), quiet(30, 8).optimizer(new Sgd(0.5)).validation(s.test()).earlyStopping(3).listener(recorder));
        int best = h.bestEpoch();
        assertTrue(best >= 1, h.toString());
        double bestAcc = h.epochs().get(best - 1).validationAccuracy();
        for (History.Epoch e : h.epochs()) assertTrue(e.validationAccuracy() <= bestAcc);
        assertArrayEquals(weightsPerEpoch.get(best - 1), mlp.graph().find("W1").value().toArray(), "the best epoch's weights are back");
        assertEquals(bestAcc, mlp.score(s.test()), 1e-12);
        if (h.epochs().size() < 30) {
            assertEquals(best + 3, h.epochs().size(), h.toString());
            assertTrue(h.stopped().startsWith("Early stopping after epoch " + (best + 3)) && h.stopped().contains("Kept the weights of epoch " + best), h.stopped());
        }
        DeepToyException e = assertThrows(DeepToyException.class, () -> mlp.fit(s.train(), quiet(2, 8).earlyStopping(2)));
        assertTrue(e.getMessage().contains("validationSplit"), e.getMessage());
    }

    @Test
    void dropoutAndBatchNormTrainInTrainingModeAndPredictDeterministically(@TempDir Path dir) {
        Split s = blobs(40, 14).split(0.3, 1);
        Mlp mlp = Mlp.builder().layers(2, 16, 3).dropout(0.3).batchNorm(true).seed(2).build();
        assertEquals("Mlp 2-16-3 relu, batch norm, dropout 0.3, 131 parameters", mlp.toString());
        mlp.fit(s.train(), quiet(20, 8));
        assertTrue(mlp.score(s.test()) >= 0.9, "accuracy " + mlp.score(s.test()));
        assertArrayEquals(mlp.scores(s.test().x()).data(), mlp.scores(s.test().x()).data(), "inference draws no masks");
        assertNotEquals(0.0, mlp.graph().find("runningMean1").value().sum(), "training moved the running mean");
        Path f = dir.resolve("bn.dtm");
        mlp.save(f);
        Classifier back = Classifier.load(f);
        assertEquals(mlp.toString(), back.toString());
        assertArrayEquals(mlp.scores(s.test().x()).data(), back.scores(s.test().x()).data(), "running statistics saved too");
        Cnn cnn = Cnn.builder().input(1, 6, 6).conv(2, 3).batchNorm().pool(2).dense(4).dropout(0.5).classes(3).seed(5).build();
        assertEquals("Cnn [1, 6, 6] conv:2x3 batchNorm pool:2 dense:4 dropout:0.5 -> 3 classes, 115 parameters", cnn.toString());
    }

    @Test
    void modelFilesOfVersionOneStillLoad() throws Exception {
        Tensor x = Tensor.randomNormal(6, 2, 2);
        Classifier mlp = Classifier.load(resource("mlp-v1.dtm"));
        assertEquals(Mlp.builder().layers(2, 5, 3).activation(Activation.TANH).l2(1e-3).seed(3).build().toString(), mlp.toString());
        assertArrayEquals(Mlp.builder().layers(2, 5, 3).activation(Activation.TANH).l2(1e-3).seed(3).build().scores(x).data(),
                mlp.scores(x).data());
        assertEquals("LinearSvm 2 inputs -> 3 classes, l2 0.01", Classifier.load(resource("svm-v1.dtm")).toString());
        Classifier cnn = Classifier.load(resource("cnn-v1.dtm"));
        Cnn fresh = Cnn.builder().input(1, 6, 6).conv(2, 3).pool(2).dense(4).classes(3).seed(5).build();
        Tensor images = Tensor.randomNormal(6, 2, 1, 6, 6);
        assertArrayEquals(fresh.scores(images).data(), cnn.scores(images).data());
    }

    @Test
    void corruptModelSettingsGiveANamedError(@TempDir Path dir) throws Exception {
        // Version 1: a number that is not one.
        byte[] v1 = Files.readAllBytes(resource("mlp-v1.dtm"));
        String text = new String(v1, java.nio.charset.StandardCharsets.ISO_8859_1).replace("seed=3", "seed=x");
        Path f = dir.resolve("bad1.dtm");
        Files.write(f, text.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        DeepToyException e = assertThrows(DeepToyException.class, () -> Classifier.load(f));
        assertTrue(e.getMessage().startsWith(f + ": corrupt model settings 'mlp layers=2,5,3"), e.getMessage());
        // Version 2: a layer kind that no registry knows.
        Path g = dir.resolve("bad2.dtm");
        Mlp.builder().layers(2, 3, 2).seed(1).build().save(g);
        byte[] v2 = Files.readAllBytes(g);
        String s2 = new String(v2, java.nio.charset.StandardCharsets.ISO_8859_1).replace("activation", "activatiox");
        Files.write(g, s2.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        e = assertThrows(DeepToyException.class, () -> Classifier.load(g));
        assertEquals(g + ": corrupt model file: layer 2 has unknown kind 'activatiox' (known: [activation, batchNorm, conv, dense, "
                + "dropout, flatten, pool, residual])", e.getMessage());
    }

    private static Path resource(String name) throws Exception {
        return Path.of(EstimatorTest.class.getResource(name).toURI());
    }

    @Test
    void interruptStopsBetweenBatchesAndKeepsTheLastWeights() {
        Dataset d = blobs(40, 9); // 120 examples in batches of 30: 4 per epoch
        Mlp mlp = Mlp.builder().layers(2, 4, 3).seed(1).build();
        double[][] afterBatch = new double[1][];
        TrainingListener interrupter = new TrainingListener() {
            public void batchEnded(Progress p) {
                if (p.epoch() == 2 && p.batch() == 3) {
                    afterBatch[0] = mlp.graph().find("W1").value().toArray();
                    Thread.currentThread().interrupt();
                }
            }
        };
        History h = mlp.fit(d, quiet(5, 30).listener(interrupter));
        assertEquals(1, h.epochs().size(), "only epoch 1 finished");
        assertTrue(h.stopped().contains("interrupted at epoch 2 of 5, batch 4 of 4"), h.stopped());
        assertArrayEquals(afterBatch[0], mlp.graph().find("W1").value().toArray());
        assertFalse(Thread.currentThread().isInterrupted(), "fit consumed the interrupt");
        assertTrue(mlp.score(d) >= 0, "the model still predicts");
    }

    @Test
    void aDivergingLossStopsTrainingWithAdvice() {
        Dataset d = blobs(40, 10);
        Dataset huge = new Dataset("huge", Tensor.wrap(d.x().toArray(), d.x().shape()), d.labels(), d.classNames());
        for (int i = 0; i < huge.x().size(); i++) huge.x().data()[i] *= 1e150;
        Mlp mlp = Mlp.builder().layers(2, 4, 3).seed(1).build();
        DeepToyException e = assertThrows(DeepToyException.class, () -> mlp.fit(huge, quiet(3, 40).optimizer(new Sgd(10))));
        assertTrue(e.getMessage().matches("(?s)Training stopped: the loss became (NaN|infinite) at epoch \\d, batch \\d of 3.*"), e.getMessage());
        assertTrue(e.getMessage().contains("lower learning rate") && e.getMessage().contains("normalise the inputs"), e.getMessage());
        assertTrue(mlp.history().stopped().startsWith("Training stopped"));
    }

    @Test
    void wrongExampleShapeIsExplained() {
        Mlp mlp = Mlp.builder().layers(3, 4, 3).build();
        DeepToyException e = assertThrows(DeepToyException.class, () -> mlp.fit(blobs(5, 1), quiet(1, 4)));
        assertEquals("fit: this model takes examples of shape [3] (3 numbers), the data has examples of shape [2] (2 numbers)",
                e.getMessage());
    }

    @Test
    void aStudentsOwnGraphTrainsAsAClassifier() {
        ComputationalGraph cg = new ComputationalGraph();
        Connection x = cg.input("x"), y = cg.input("labels");
        Connection w = cg.variable(Tensor.randomNormal(1, 2, 3), "W");
        Connection b = cg.variable(Tensor.zeros(3), "b");
        Connection scores = cg.sum(cg.matrixMultiply(x, w), b, "scores");
        Connection loss = cg.softmaxCrossEntropy(scores, y, "loss");
        Classifier c = new Classifier(cg, x, y, scores, loss, new int[] {2}, () -> new Sgd(0.1));
        Split s = blobs(50, 11).split(0.3, 1);
        c.fit(s.train(), quiet(20, 10));
        assertTrue(c.score(s.test()) >= 0.9, "accuracy " + c.score(s.test()));
    }

    @Test
    void savedModelsPredictTheSameAfterLoading(@TempDir Path dir) {
        Split s = blobs(30, 12).split(0.3, 1);
        Mlp mlp = Mlp.builder().layers(2, 5, 3).activation(Activation.TANH).l2(1e-3).seed(3).build();
        mlp.scaler(Scaler.standardize(s.train()));
        mlp.fit(s.train(), quiet(5, 8));
        LinearSvm svm = LinearSvm.builder().inputs(2).classes(3).l2(1e-2).seed(4).build();
        svm.fit(s.train(), quiet(5, 8));
        for (Classifier m : List.of(mlp, svm)) {
            Path f = dir.resolve(m.getClass().getSimpleName() + ".dtm");
            m.save(f);
            Classifier back = Classifier.load(f);
            assertEquals(m.getClass(), back.getClass());
            assertEquals(m.toString(), back.toString());
            assertArrayEquals(m.scores(s.test().x()).data(), back.scores(s.test().x()).data());
            assertEquals(List.of("a", "b", "c"), back.classNames());
        }
    }

    @Test
    void cnnFiltersAndHiddenLayersStartHeUnlessInitSaysOtherwise() {
        // conv 16 filters 5x5 on 4 channels: fan-in 100, fan-out 400; dense 300 units on 16·8·8 = 1024 inputs
        Cnn he = Cnn.builder().input(4, 8, 8).conv(16, 5).dense(300).classes(10).seed(3).build();
        Cnn xavier = Cnn.builder().input(4, 8, 8).conv(16, 5).dense(300).classes(10).init(Init.XAVIER).seed(3).build();
        assertEquals(Math.sqrt(2.0 / 100), std(he.graph().find("K1").value()), 0.05 * Math.sqrt(2.0 / 100));
        assertEquals(Math.sqrt(2.0 / 500), std(xavier.graph().find("K1").value()), 0.05 * Math.sqrt(2.0 / 500));
        assertEquals(Math.sqrt(2.0 / 1024), std(he.graph().find("W1").value()), 0.02 * Math.sqrt(2.0 / 1024));
        assertEquals(Math.sqrt(2.0 / 1324), std(xavier.graph().find("W1").value()), 0.02 * Math.sqrt(2.0 / 1324));
        assertEquals(Math.sqrt(2.0 / 310), std(xavier.graph().find("W2").value()), 0.05 * Math.sqrt(2.0 / 310), "the scores layer stays Xavier");
        assertThrows(DeepToyException.class, () -> Cnn.builder().init(null));
    }

    private static double std(Tensor t) {
        double mean = t.mean(), s = 0;
        for (double v : t.data()) s += (v - mean) * (v - mean);
        return Math.sqrt(s / t.size());
    }

    @Test
    void savedCnnLoadsWithItsLayers(@TempDir Path dir) {
        Cnn cnn = Cnn.builder().input(1, 6, 6).conv(2, 3).pool(2).dense(4).classes(3).seed(5).build();
        Tensor x = Tensor.randomNormal(6, 2, 1, 6, 6);
        Path f = dir.resolve("cnn.dtm");
        cnn.save(f);
        Classifier back = Classifier.load(f);
        assertEquals(cnn.toString(), back.toString());
        assertArrayEquals(cnn.scores(x).data(), back.scores(x).data());
    }

    @Test
    void badModelFilesAreNamed(@TempDir Path dir) throws Exception {
        Mlp mlp = Mlp.builder().layers(2, 3, 2).build();
        Path f = dir.resolve("m.dtm");
        mlp.save(f);
        byte[] all = Files.readAllBytes(f);
        Files.write(f, java.util.Arrays.copyOf(all, all.length - 9));
        DeepToyException e = assertThrows(DeepToyException.class, () -> Classifier.load(f));
        assertTrue(e.getMessage().contains("m.dtm: truncated model file"), e.getMessage());
        Files.writeString(f, "hello");
        e = assertThrows(DeepToyException.class, () -> Classifier.load(f));
        assertTrue(e.getMessage().contains("not a DeepToy model file"), e.getMessage());
        mlp.save(f);
        Mlp other = Mlp.builder().layers(2, 4, 2).build();
        e = assertThrows(DeepToyException.class, () -> other.loadWeights(f));
        assertTrue(e.getMessage().contains("variable W1 has shape [2, 3] but the model's has [2, 4]"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("m.dtm.part")), "no half-written file left behind");
    }
}
