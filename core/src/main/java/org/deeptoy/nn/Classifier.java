package org.deeptoy.nn;

import org.deeptoy.data.Batch;
import org.deeptoy.data.Dataset;
import org.deeptoy.data.Scaler;
import org.deeptoy.data.Split;
import org.deeptoy.graph.ComputationalGraph;
import org.deeptoy.graph.Connection;
import org.deeptoy.graph.DeepToyException;
import org.deeptoy.graph.SimulationContext;
import org.deeptoy.ops.LogSoftmax;
import org.deeptoy.optim.Optimizer;
import org.deeptoy.tensor.Precision;
import org.deeptoy.tensor.Shapes;
import org.deeptoy.tensor.Tensor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A classifier built on a computational graph: {@code scores} (one row of class scores per example)
 * computed from the input {@code x}, and a {@code loss} that also reads the input {@code labels}
 * (class indices). {@link Mlp}, {@link LinearSvm} and {@link Cnn} build their graphs; a student can
 * wrap a graph of their own the same way.
 * <pre>{@code
 * History h = model.fit(train, new FitOptions().epochs(10).batchSize(64));
 * double accuracy = model.score(test);
 * }</pre>
 */
public class Classifier {
    private static final int EVAL_BATCH = 1000;

    protected final ComputationalGraph cg;
    protected final Connection x, labels, scores, loss;
    private final int[] exampleShape;
    private final Supplier<Optimizer> defaultOptimizer;
    private final Network network;
    private Scaler scaler;
    private List<String> classNames = List.of();
    private History history;

    /**
     * Wraps a graph: {@code x} and {@code labels} are its inputs, {@code scores} is [n, classes],
     * {@code loss} one number. {@code exampleShape} is the shape of one example the graph expects
     * (batches of other shapes with as many values, e.g. [1, 28, 28] images for [784], are reshaped).
     */
    public Classifier(ComputationalGraph cg, Connection x, Connection labels, Connection scores, Connection loss,
                      int[] exampleShape, Supplier<Optimizer> defaultOptimizer) {
        this.cg = cg;
        this.x = x;
        this.labels = labels;
        this.scores = scores;
        this.loss = loss;
        this.exampleShape = exampleShape.clone();
        this.defaultOptimizer = defaultOptimizer;
        this.network = null;
    }

    /** A classifier made of layers (what {@link Mlp}, {@link LinearSvm} and {@link Cnn} are); builds the network's graph. */
    protected Classifier(Network network, Supplier<Optimizer> defaultOptimizer) {
        Network.Graph g = network.build();
        this.cg = g.cg();
        this.x = g.x();
        this.labels = g.labels();
        this.scores = g.scores();
        this.loss = g.loss();
        this.exampleShape = network.input();
        this.defaultOptimizer = defaultOptimizer;
        this.network = network;
    }

    // ---- training ------------------------------------------------------------------------------

    /** Trains with the default options (10 epochs, batches of 64, the model's default optimizer). */
    public History fit(Dataset train) {
        return fit(train, new FitOptions());
    }

    /**
     * Trains on {@code train}: each epoch shuffles it (seeded), runs forward and backward on each
     * mini-batch in training mode and lets the optimizer update the variables (see {@link FitLoop}).
     * Stops cleanly between batches when the thread is interrupted (the kernel's interrupt button);
     * stops with an error when the loss stops being a finite number; with
     * {@link FitOptions#earlyStopping} stops when validation accuracy stops improving and keeps the
     * best epoch's weights. Returns the history, also kept in {@link #history()}.
     */
    public History fit(Dataset train, FitOptions o) {
        if (train.size() == 0) throw new DeepToyException("fit: the training set " + train.name() + " is empty");
        checkExamples("fit", train.exampleShape());
        if (o.shifts > 0 && train.exampleShape().length != 3) {
            throw new DeepToyException("fit: FitOptions.shifts(" + o.shifts + ") moves images [C, H, W], but the examples of "
                    + train.name() + " have shape " + Shapes.toString(train.exampleShape()));
        }
        if (o.flips && train.exampleShape().length != 3) {
            throw new DeepToyException("fit: FitOptions.flips(true) mirrors images [C, H, W], but the examples of "
                    + train.name() + " have shape " + Shapes.toString(train.exampleShape()));
        }
        if (classNames.isEmpty()) classNames = train.classNames();
        Dataset validation = o.validation;
        if (o.validationSplit > 0) {
            Split s = train.split(o.validationSplit, o.seed);
            train = s.train();
            validation = s.test();
        }
        if (o.patience >= 0 && validation == null) {
            throw new DeepToyException("fit: early stopping watches validation accuracy; add .validationSplit(0.1) or "
                    + ".validation(dataset) to the FitOptions");
        }
        Optimizer opt = o.optimizer != null ? o.optimizer : defaultOptimizer.get();
        history = new History(toString());
        return new FitLoop(this, o, opt, listeners(o), history).run(train, validation);
    }

    /**
     * The kernel's lent watch (first, so that it hears the start before any listener can fail), the
     * options' listeners, the live display (passed in, or lent by the notebook kernel), and the epoch printer.
     */
    private static List<TrainingListener> listeners(FitOptions o) {
        List<TrainingListener> all = new ArrayList<>();
        if (LiveDisplay.watch() != null) all.add(LiveDisplay.watch());
        all.addAll(o.listeners);
        Supplier<? extends TrainingListener> display = o.display != null ? o.display : LiveDisplay.lent();
        TrainingListener live = display == null ? null : display.get();
        if (live != null && o.showLive) all.add(live);
        // Where a live display exists (the kernel), it replaces the epoch lines, also when switched off.
        if (o.verbose != null ? o.verbose : live == null) all.add(new EpochPrinter(System.out));
        return all;
    }

    /** One forward pass of a training batch in {@code ctx}; returns the loss. */
    double trainStep(SimulationContext ctx, Batch batch) {
        ctx.forward(cg, Map.of(x, prepare(batch.x()), labels, labelTensor(batch.labels())), loss, scores);
        return ctx.value(loss).item();
    }

    /** What saving and early stopping keep: the layers' parameters and state, or a hand-built graph's variables. */
    List<Connection> savedParameters() {
        return network != null ? network.parameters() : cg.variables();
    }

    /** The history of the last {@link #fit}, or null before training. */
    public History history() {
        return history;
    }

    // ---- using the model -------------------------------------------------------------------------

    /** Class scores [n, classes] for examples [n, ...] (the numbers before softmax or hinge). */
    public Tensor scores(Tensor examples) {
        checkExamples("scores", exampleShapeOf(examples));
        int n = examples.dim(0);
        SimulationContext ctx = new SimulationContext().checkFinite(false);
        Tensor out = null;
        for (int from = 0; from < n; from += EVAL_BATCH) {
            int to = Math.min(n, from + EVAL_BATCH);
            Tensor s = ctx.forward(cg, Map.of(x, prepare(examples.rows(from, to))), scores).value(scores);
            if (out == null) out = Tensor.zeros(n, s.dim(1));
            System.arraycopy(s.data(), 0, out.data(), from * s.dim(1), s.size());
        }
        return out;
    }

    /** The most likely class of each example. */
    public int[] predict(Tensor examples) {
        return scores(examples).argmaxRows();
    }

    public int[] predict(Dataset d) {
        return predict(d.x());
    }

    /** Class probabilities [n, classes]: the softmax of the scores (for an SVM, a soft view of its scores). */
    public Tensor predictProba(Tensor examples) {
        Tensor s = scores(examples);
        int n = s.dim(0), k = s.dim(1);
        double[] d = s.data();
        for (int i = 0; i < n; i++) {
            double logZ = LogSoftmax.logSumExp(d, i * k, k, 1);
            for (int j = 0; j < k; j++) d[i * k + j] = Math.exp(d[i * k + j] - logZ);
        }
        return s;
    }

    public Tensor predictProba(Dataset d) {
        return predictProba(d.x());
    }

    /** Accuracy on a labelled dataset: the fraction of examples predicted right. */
    public double score(Dataset d) {
        int[] p = predict(d.x());
        int right = 0;
        for (int i = 0; i < p.length; i++) if (p[i] == d.labels()[i]) right++;
        return (double) right / p.length;
    }

    /** counts[true class][predicted class] over a labelled dataset. */
    public int[][] confusionMatrix(Dataset d) {
        int[] p = predict(d.x());
        int k = Math.max(d.numClasses(), scoresWidth());
        int[][] m = new int[k][k];
        for (int i = 0; i < p.length; i++) m[d.labels()[i]][p[i]]++;
        return m;
    }

    // ---- settings and parts -----------------------------------------------------------------------

    /**
     * Rescales every example the model sees, in training and prediction (fit it on the training set,
     * e.g. {@code Scaler.standardize(train)}); saved with the model. Scaling batch by batch needs no
     * scaled copy of the dataset in memory. Returns this.
     */
    public Classifier scaler(Scaler s) {
        this.scaler = s;
        return this;
    }

    public Scaler scaler() {
        return scaler;
    }

    /** The names of the classes (from the training set, or a loaded model). */
    public List<String> classNames() {
        return classNames;
    }

    public ComputationalGraph graph() {
        return cg;
    }

    /** The graph's input for examples. */
    public Connection input() {
        return x;
    }

    /** The graph's input for class labels. */
    public Connection labels() {
        return labels;
    }

    public Connection scoresConnection() {
        return scores;
    }

    public Connection lossConnection() {
        return loss;
    }

    /** The shape of one example the graph expects. */
    public int[] exampleShape() {
        return exampleShape.clone();
    }

    /** How many numbers the model learns. */
    public long parameterCount() {
        long n = 0;
        for (Connection v : cg.variables()) n += v.value().size();
        return n;
    }

    // ---- saving ----------------------------------------------------------------------------------

    /** Saves the model (its kind and settings, class names, scaler and every variable) to a file; see {@link ModelFile}. */
    public void save(Path file) {
        ModelFile.write(file, this);
    }

    /** Loads a model saved by {@link #save}: an {@link Mlp}, {@link LinearSvm} or {@link Cnn}, ready to predict. */
    public static Classifier load(Path file) {
        return ModelFile.read(file);
    }

    /** Replaces this model's variables with those saved in a file (matched by name, shapes checked); returns this. */
    public Classifier loadWeights(Path file) {
        ModelFile.readWeights(file, this);
        return this;
    }

    /** The layers this model is made of, or null for a graph built by hand. */
    public Network network() {
        return network;
    }

    void restore(List<String> names, Scaler s) {
        this.classNames = List.copyOf(names);
        this.scaler = s;
    }

    @Override
    public String toString() {
        return "Classifier(" + Shapes.toString(exampleShape) + " -> " + scoresWidth() + " classes, " + parameterCount()
                + " parameters)";
    }

    // ---- helpers ---------------------------------------------------------------------------------

    /** Scales (when a scaler is set) and reshapes a batch to [n, exampleShape...]. */
    private Tensor prepare(Tensor batch) {
        Tensor t = scaler == null ? batch : scaler.apply(batch);
        int[] shape = new int[exampleShape.length + 1];
        shape[0] = batch.dim(0);
        System.arraycopy(exampleShape, 0, shape, 1, exampleShape.length);
        return Arrays.equals(shape, t.shape()) ? t : t.reshape(shape);
    }

    private void checkExamples(String what, int[] given) {
        if (Shapes.size(given) != Shapes.size(exampleShape)) {
            throw new DeepToyException(what + ": this model takes examples of shape " + Shapes.toString(exampleShape) + " ("
                    + Shapes.size(exampleShape) + " numbers), the data has examples of shape " + Shapes.toString(given)
                    + " (" + Shapes.size(given) + " numbers)");
        }
    }

    private int[] exampleShapeOf(Tensor examples) {
        if (examples.rank() < 1) throw new DeepToyException("scores: give a batch of examples [n, ...], got a single number");
        int[] s = examples.shape();
        return Arrays.copyOfRange(s, 1, s.length);
    }

    private int classes;

    private int scoresWidth() {
        if (classes > 0) return classes;
        int[] s = new SimulationContext().checkFinite(false)
                .forward(cg, Map.of(x, Tensor.zeros(prepend(1, exampleShape))), scores).value(scores).shape();
        return classes = s[s.length - 1];
    }

    private static int[] prepend(int n, int[] shape) {
        int[] s = new int[shape.length + 1];
        s[0] = n;
        System.arraycopy(shape, 0, s, 1, shape.length);
        return s;
    }

    static Tensor labelTensor(int[] labels) {
        double[] d = new double[labels.length];
        for (int i = 0; i < d.length; i++) d[i] = labels[i];
        return Tensor.wrap(d, labels.length);
    }
}
