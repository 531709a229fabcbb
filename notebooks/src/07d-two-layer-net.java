// expect: image/svg+xml
// expect: image/png
// expect: image/jpeg
// expect: text: gradient check
// expect: text: test accuracy of your two-layer net:
// %% md
// # 7d · A two-layer net from your own layers
//
// Notebook 7 trained an MLP on CIFAR-10 with `Mlp.builder()` and `fit`: the library did everything. Here
// you build the same kind of network from parts you write yourself, as in the two-layer net of Stanford's
// CS231n (assignment 1): an **affine** layer, a **ReLU**, a second affine layer and the **softmax loss**,
// each an op with its forward and its backward (the op API of notebook 5b), and the **training loop**
// around them: mini-batches, the SGD step with L2 regularisation, a learning rate that decays. DeepToy
// only strings the ops together (the backward sweep of notebook 3c) and multiplies matrices.
//
// **You will learn**
// - the affine layer's backward, `dL/dx = dy·Wᵀ`, `dL/dW = xᵀ·dy`, `dL/db = Σ_rows dy`, derived by index
// - mean subtraction, and why a network trains better on centred inputs
// - an SGD loop written out: mini-batches, weight decay in the step, the learning rate decayed per epoch
// - the loss curve and the accuracy drawn live while your loop runs
//
// The exercises: the affine layer's backward (2 points) and the SGD step with L2 (1 point). The net trains
// with your code: until both are solved it learns nothing.

// %%
import org.deeptoy.kernel.render.*;
import org.knowm.xchart.*;

boolean quick = Course.quick();
Split cifar = Datasets.cifar10();
// Photos as rows of 3072 numbers (0..255): red, green and blue planes of 32 × 32 pixels one after the other.
Dataset train = (quick ? cifar.train().first(1000) : cifar.train()).flatten();
Dataset test = (quick ? cifar.test().first(500) : cifar.test()).flatten();
System.out.println(train + "\n" + test);

// %% md
// ## Centred inputs
//
// CS231n's first step, and ours: subtract the **mean image**, the average of every training photo
// pixel by pixel, so that each of the 3072 inputs is 0 on average. Raw pixels are all positive; then
// every gradient `dL/dW = xᵀ·dy` of a first-layer unit has the sign of `dy` in all its 3072 entries at
// once for one photo, and the weights can only move together, zig-zagging towards their goal. Centred,
// they move independently. The pixels are divided by 255 first (values 0..1); the mean comes from the
// training photos only and is subtracted from the test photos unchanged.

// %%
double[] mean = new double[3072];
for (Batch b : train.batches(1000)) {
    double[] x = b.x().data();
    for (int i = 0; i < x.length; i++) mean[i % 3072] += x[i] / 255 / train.size();
}
/** Photos [n, 3072] (0..255) in 0..1, less the mean image. */
Tensor centred(Tensor pixels) {
    double[] x = pixels.data(), y = new double[x.length];
    for (int i = 0; i < x.length; i++) y[i] = x[i] / 255 - mean[i % 3072];
    return Tensor.wrap(y, pixels.shape());
}
Images.photos(Tensor.wrap(mean.clone(), 1, 3, 32, 32), 1, new String[] {"mean image"},
        Images.Options.defaults().scaling(Images.Scaling.UNIT).zoom(4))

// %% md
// The mean image is an almost even grey-brown: averaged over 50 000 photos of every kind, no shape is left.
// It is what all photos share; what is left after subtracting it is what tells them apart.
//
// ## The affine layer
//
// For a batch `x` `[n, d]` (one photo per row), weights `W` `[d, h]` and biases `b` `[h]`, the affine
// layer gives `y = x·W + b` `[n, h]`, element by element
//
// $$y_{ij} = \sum_{k} x_{ik} W_{kj} + b_j .$$
//
// Its backward gets `dy = dL/dy` `[n, h]` and returns the three gradients. Each follows from the
// chain rule, summing over every `y_{ij}` the value touches:
//
// $$\frac{\partial L}{\partial W_{kj}} = \sum_i \frac{\partial L}{\partial y_{ij}}\,x_{ik}
//   \;\Rightarrow\; dW = x^\top dy, \qquad
//   \frac{\partial L}{\partial x_{ik}} = \sum_j \frac{\partial L}{\partial y_{ij}}\,W_{kj}
//   \;\Rightarrow\; dx = dy\, W^\top, \qquad
//   \frac{\partial L}{\partial b_j} = \sum_i \frac{\partial L}{\partial y_{ij}} .$$
//
// A check that never fails: each gradient has the shape of what it is the gradient of. `dW` must be
// `[d, h]`, and the only product of `x` `[n, d]` and `dy` `[n, h]` with that shape is `xᵀ·dy`; `db` is `[h]`,
// one sum per column of `dy` (`b` was added to every row). The products go to BLAS, as `np.dot` does in
// CS231n's numpy; `times(a, ta, b, tb)` below multiplies `a` (or `aᵀ` when `ta`) by `b` (or `bᵀ` when `tb`)
// without copying a transpose.

// %%
/** a·b, with aᵀ when transposeA and bᵀ when transposeB: one BLAS call. */
Tensor times(Tensor a, boolean transposeA, Tensor b, boolean transposeB) {
    if (a.rank() != 2 || b.rank() != 2) {
        throw new IllegalArgumentException("times: needs two matrices, got shapes " + Arrays.toString(a.shape())
                + " and " + Arrays.toString(b.shape()));
    }
    int m = a.dim(transposeA ? 1 : 0), k = a.dim(transposeA ? 0 : 1), n = b.dim(transposeB ? 0 : 1);
    if (b.dim(transposeB ? 1 : 0) != k) {
        throw new IllegalArgumentException("times: inner dimensions differ: " + Arrays.toString(a.shape())
                + (transposeA ? "ᵀ" : "") + " · " + Arrays.toString(b.shape()) + (transposeB ? "ᵀ" : ""));
    }
    double[] c = new double[m * n];
    Blas.current().gemm(transposeA, transposeB, m, n, k, 1, a.data(), b.data(), 0, c);
    return Tensor.wrap(c, m, n);
}

// %% md
// ## Exercise 1: the affine layer's backward
//
// The forward is written. Complete the backward: `dx` (only when `need[0]` is true: for the first layer
// `x` is the photos, whose gradient nobody needs, and skipping it saves a third of the layer's work),
// `dW`, and `db` as the column sums of `dy`. `dy.data()` is `dy`'s storage row by row: element `[i, j]` is at
// `i · h + j`. The check compares your gradients with the engine's `matrixMultiply` and `sum` on random
// shapes and runs the gradient check.

// %% exercise points=2 id=affineLayer
class Affine extends Node {
    Affine() {
        super("affine");
    }

    @Override
    protected Tensor forward(Tensor[] in) {
        Tensor y = times(in[0], false, in[1], false);
        double[] v = y.data(), b = in[2].data();
        for (int i = 0; i < v.length; i++) v[i] += b[i % b.length];
        return y;
    }

    @Override
    protected Tensor[] backward(Tensor[] in, Tensor out, Tensor dy, boolean[] need) {
        Tensor x = in[0], W = in[1];
        int h = W.dim(1);
        double[] db = new double[h], g = dy.data();
        // BEGIN SOLUTION
        Tensor dx = need[0] ? times(dy, false, W, true) : null; // dy·Wᵀ
        Tensor dW = times(x, true, dy, false);                   // xᵀ·dy
        for (int i = 0; i < dy.dim(0); i++) {
            for (int j = 0; j < h; j++) db[j] += g[i * h + j];
        }
        // END SOLUTION
        // STUDENT: Tensor dx = null, dW = null; // your code here: dx (when need[0]), dW, and db's sums
        return new Tensor[] {dx, dW, Tensor.wrap(db, h)};
    }
}

// %%
TwoLayerNetChecks.affine(() -> new Affine());

// %% md
// ## ReLU and the softmax loss
//
// Two more ops, written out as notebooks 3 and 5 derived them: `relu` passes `dy` where its input was
// positive; the softmax loss turns each row of scores `s` into probabilities `p` and returns the mean of
// `−ln p_label` over the batch, with `dL/ds = (p − onehot(label)) / n`. Its second input, the labels,
// gets no gradient (`null`).

// %%
class Relu extends Node {
    Relu() {
        super("relu");
    }

    @Override
    protected Tensor forward(Tensor[] in) {
        double[] x = in[0].data(), y = new double[x.length];
        for (int i = 0; i < x.length; i++) y[i] = Math.max(x[i], 0);
        return Tensor.wrap(y, in[0].shape());
    }

    @Override
    protected Tensor[] backward(Tensor[] in, Tensor out, Tensor dy, boolean[] need) {
        double[] x = in[0].data(), g = dy.data(), dx = new double[x.length];
        for (int i = 0; i < x.length; i++) dx[i] = x[i] > 0 ? g[i] : 0;
        return new Tensor[] {Tensor.wrap(dx, in[0].shape())};
    }
}

/** Each row of s as probabilities (the largest score subtracted first, so exp cannot overflow). */
double[] probabilities(Tensor s) {
    int n = s.dim(0), k = s.dim(1);
    double[] v = s.data(), p = new double[v.length];
    for (int i = 0; i < n; i++) {
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (int j = 0; j < k; j++) max = Math.max(max, v[i * k + j]);
        for (int j = 0; j < k; j++) sum += p[i * k + j] = Math.exp(v[i * k + j] - max);
        for (int j = 0; j < k; j++) p[i * k + j] /= sum;
    }
    return p;
}

class SoftmaxLoss extends Node {
    SoftmaxLoss() {
        super("softmaxLoss");
    }

    @Override
    protected Tensor forward(Tensor[] in) {
        double[] p = probabilities(in[0]), labels = in[1].data();
        int n = in[0].dim(0), k = in[0].dim(1);
        double loss = 0;
        for (int i = 0; i < n; i++) loss -= Math.log(p[i * k + (int) labels[i]]);
        return Tensor.scalar(loss / n);
    }

    @Override
    protected Tensor[] backward(Tensor[] in, Tensor out, Tensor dy, boolean[] need) {
        double[] ds = probabilities(in[0]), labels = in[1].data();
        int n = in[0].dim(0), k = in[0].dim(1);
        for (int i = 0; i < n; i++) ds[i * k + (int) labels[i]] -= 1;
        for (int i = 0; i < ds.length; i++) ds[i] *= dy.item() / n;
        return new Tensor[] {Tensor.wrap(ds, n, k), null};
    }
}

// %% md
// ## The net
//
// `scores = affine(relu(affine(x, W1, b1)), W2, b2)`, `loss = softmaxLoss(scores, labels)`, with
// 500 hidden units. The weights start random with He's scale `√(2 / inputs)` (notebook 6), the biases
// at 0. One forward and backward pass on a batch of 200 photos, drawn:

// %%
int hidden = 500;
Random init = new Random(1);
var net = new ComputationalGraph();
var x = net.input("x");
var labels = net.input("labels");
var W1 = net.variable(Tensor.randomNormal(init, 0, Math.sqrt(2.0 / 3072), 3072, hidden), "W1");
var b1 = net.variable(Tensor.zeros(hidden), "b1");
var W2 = net.variable(Tensor.randomNormal(init, 0, Math.sqrt(2.0 / hidden), hidden, 10), "W2");
var b2 = net.variable(Tensor.zeros(10), "b2");
var h = net.add(new Relu(), "h", net.add(new Affine(), "x·W1 + b1", x, W1, b1));
var scores = net.add(new Affine(), "scores", h, W2, b2);
var loss = net.add(new SoftmaxLoss(), "loss", scores, labels);

Tensor labelTensor(int[] l) {
    double[] d = new double[l.length];
    for (int i = 0; i < l.length; i++) d[i] = l[i];
    return Tensor.wrap(d, l.length);
}

Batch first = train.batches(200).iterator().next();
var ctx = new SimulationContext().forward(net, Map.of(x, centred(first.x()), labels, labelTensor(first.labels())));
ctx.backward(net, loss);
show(net, ctx);

// %% md
// The loss starts near `ln 10 ≈ 2.3`, the loss of a net that gives every class the same probability
// (1/10). Before training on thousands of photos, the **gradient check** of the whole net, on a small
// version of it (6 inputs, 5 hidden units, 3 classes, 4 examples) so that finite differences take no
// time: every weight of both layers against its numeric gradient.

// %%
Random small = new Random(2);
var tiny = new ComputationalGraph();
var tx = tiny.input("x");
var ty = tiny.input("labels");
var tW1 = tiny.variable(Tensor.randomNormal(small, 0, 1, 6, 5), "W1");
var tb1 = tiny.variable(Tensor.randomNormal(small, 0, 1, 5), "b1");
var tW2 = tiny.variable(Tensor.randomNormal(small, 0, 1, 5, 3), "W2");
var tb2 = tiny.variable(Tensor.randomNormal(small, 0, 1, 3), "b2");
var tinyScores = tiny.add(new Affine(), "scores", tiny.add(new Relu(), "h", tiny.add(new Affine(), "a", tx, tW1, tb1)), tW2, tb2);
var tinyLoss = tiny.add(new SoftmaxLoss(), "loss", tinyScores, ty);
System.out.println(GradientCheck.check(tiny, tinyLoss, Map.of(tx, Tensor.randomNormal(small, 0, 1, 4, 6), ty, Tensor.vector(0, 2, 1, 2))));

// %% md
// ## Exercise 2: the SGD step with L2 regularisation
//
// CS231n adds an L2 penalty to the data loss, as notebook 6b did: `L = L_data + (λ/2)·Σ w²` over the
// weights `W1` and `W2` (not the biases). Its gradient is `λ·w`, so a step of gradient descent with
// learning rate `η` is
//
// $$w \leftarrow w - \eta\,\Bigl(\frac{\partial L_\text{data}}{\partial w} + \lambda\, w\Bigr),$$
//
// which shrinks every weight by the factor `1 − ηλ` on top of the data's step: hence its other name,
// **weight decay**. Return the new weights as a new array (leave `w` as it is); the loop below calls it
// with `reg = 0` for the biases.

// %% exercise id=weightDecayStep
double[] sgdStep(double[] w, double[] dw, double learningRate, double reg) {
    double[] next = new double[w.length];
    // BEGIN SOLUTION
    for (int i = 0; i < w.length; i++) next[i] = w[i] - learningRate * (dw[i] + reg * w[i]);
    // END SOLUTION
    // STUDENT: next = w.clone(); // your code here: next[i] = ...
    return next;
}

// %%
TwoLayerNetChecks.sgdStep((w, dw, lr, reg) -> sgdStep(w, dw, lr, reg));

// %% md
// ## The training loop
//
// Everything `fit` did in notebook 7, written out. Each **epoch** shuffles the training photos and goes
// through them in **mini-batches** of 200: forward, backward (the engine's sweep through your ops), then
// your step for each variable. After each epoch the learning rate is multiplied by 0.9 (**learning-rate
// decay**: big steps while far from a minimum, smaller ones to settle), and the accuracy is measured on
// 1000 training photos and on the test photos. The chart above the numbers redraws every few batches:
// the loss of each batch (pale) and its mean per epoch (dark), and the two accuracies.
//
// Two settings of the context make training faster without changing a result:
// `variableGradientsOnly(true)` computes only the gradients the variables need (so `need[0]` is false for the
// first layer's photos), and `checkFinite(false)` skips the search for NaN in every op's output.

// %%
double learningRate = 0.1, decay = 0.9, reg = 1e-3;
int epochs = Course.pick(10, 2), batchSize = 200;

/** The share of photos in d whose highest score is their class. */
double accuracy(Dataset d) {
    var eval = new SimulationContext().checkFinite(false);
    int right = 0;
    for (Batch b : d.batches(1000)) {
        int[] predicted = eval.forward(net, Map.of(x, centred(b.x())), scores).value(scores).argmaxRows();
        for (int i = 0; i < predicted.length; i++) if (predicted[i] == b.labels()[i]) right++;
    }
    return (double) right / d.size();
}

Dataset someTraining = train.first(1000);
List<Double> batchLoss = new ArrayList<>(), epochLoss = new ArrayList<>();
List<Double> trainAccuracy = new ArrayList<>(), testAccuracy = new ArrayList<>();
int batchesPerEpoch = (train.size() + batchSize - 1) / batchSize;

double[] array(List<Double> l) {
    return l.stream().mapToDouble(Double::doubleValue).toArray();
}

XYChart lossPicture() {
    double[] step = new double[batchLoss.size()], epochEnd = new double[epochLoss.size()];
    for (int i = 0; i < step.length; i++) step[i] = (i + 1.0) / batchesPerEpoch;
    for (int e = 0; e < epochEnd.length; e++) epochEnd[e] = e + 1;
    XYChart c = Charts.curves("Loss", "epoch", "loss", step, Map.of("batch", array(batchLoss)));
    var batch = c.getSeriesMap().get("batch"); // absent before the first batch
    if (batch != null) {
        batch.setLineColor(new java.awt.Color(0x9ecae1));
        batch.setLineWidth(1f);
        batch.setMarker(org.knowm.xchart.style.markers.SeriesMarkers.NONE);
    }
    if (epochEnd.length > 0) {
        var perEpoch = c.addSeries("mean per epoch", epochEnd, array(epochLoss));
        perEpoch.setLineColor(new java.awt.Color(0x08519c));
        perEpoch.setMarkerColor(new java.awt.Color(0x08519c));
    }
    c.getStyler().setYAxisMin(0.0);
    c.getStyler().setXAxisMin(0.0);
    c.getStyler().setXAxisMax((double) epochs);
    c.getStyler().setLegendVisible(true);
    return c;
}

XYChart accuracyPicture() {
    var series = new LinkedHashMap<String, double[]>();
    series.put("1000 training photos", array(trainAccuracy));
    series.put("test photos", array(testAccuracy));
    XYChart c = Charts.accuracyCurve(series);
    c.getStyler().setXAxisMin(1.0);
    c.getStyler().setXAxisMax((double) epochs);
    return c;
}

var lossView = display(lossPicture());
var accuracyView = display(accuracyPicture());
ctx = new SimulationContext().variableGradientsOnly(true).checkFinite(false);
Random shuffle = new Random(7);
var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
long cpuStart = os.getProcessCpuTime();
double lr = learningRate, trainingSeconds = 0;
for (int epoch = 0; epoch < epochs; epoch++) {
    long start = System.nanoTime();
    double sum = 0;
    int batches = 0;
    for (Batch b : train.batches(batchSize, shuffle)) {
        ctx.forward(net, Map.of(x, centred(b.x()), labels, labelTensor(b.labels())));
        ctx.backward(net, loss);
        for (Connection v : List.of(W1, b1, W2, b2)) {
            double strength = v == W1 || v == W2 ? reg : 0;
            v.set(Tensor.wrap(sgdStep(v.value().data(), ctx.gradient(v).data(), lr, strength), v.value().shape()));
        }
        batchLoss.add(ctx.value(loss).item());
        sum += ctx.value(loss).item();
        if (++batches % 25 == 0) updateDisplay(lossView, lossPicture());
    }
    lr *= decay;
    trainingSeconds += (System.nanoTime() - start) / 1e9;
    epochLoss.add(sum / batches);
    trainAccuracy.add(accuracy(someTraining));
    testAccuracy.add(accuracy(test));
    updateDisplay(lossView, lossPicture());
    updateDisplay(accuracyView, accuracyPicture());
}
double cpuSeconds = (os.getProcessCpuTime() - cpuStart) / 1e9;
System.out.printf("%d epochs over %d photos: %.0f s of training (%.1f s per epoch), %.0f s of CPU with the accuracies%n",
        epochs, train.size(), trainingSeconds, trainingSeconds / epochs, cpuSeconds);
System.out.printf("test accuracy of your two-layer net: %.4f on %d photos (chance 0.10)%n", testAccuracy.get(epochs - 1), test.size());

// %% md
// The loss falls fast in the first epoch (from `ln 10 ≈ 2.3` to a mean of about 1.74 over its batches)
// and then slowly, to about 1.23 in the tenth; the pale batch losses scatter around it by ±0.1, as each batch
// holds other photos. The test accuracy is about 0.45 after the first epoch, passes 0.50 around the sixth and
// ends at **0.5259** on the 10 000 test photos, where CS231n's tuned two-layer net lands (about 0.50) and
// close to notebook 7's MLP (0.5447, with Adam, 512 units and the photos' mirror images). The 1000 training
// photos end at about 0.59: the net fits the photos it learns from a little better than new ones, and L2 and
// the shrinking steps keep that gap small. The rates were chosen on 1000 photos held out of the training set
// (4 epochs: 0.500), not on the test photos, which the chart only watches.
//
// The stored run took 338 s of training on a machine shared with other jobs (load 13 to 20); the same
// training run alone by `bench/targets.sh cifar-two-layer` takes about 96 s of one core's CPU time (under
// 10 s per epoch), within the course's target of 3 minutes. Almost all of it goes to two products per batch,
// `x·W1` and `xᵀ·dy` with `[200, 3072]` and `[3072, 500]` matrices; your loops over single numbers (the bias,
// ReLU, the softmax, the step) cost little next to them.
//
// ## What the first layer learnt
//
// Each hidden unit's 3072 weights (a column of `W1`) drawn as a photo, stretched from its smallest to
// its largest weight, as notebook 7 drew the SVM's templates:

// %%
double[] w1 = W1.value().data();
double[] columns = new double[20 * 3072];
for (int u = 0; u < 20; u++) for (int p = 0; p < 3072; p++) columns[u * 3072 + p] = w1[p * hidden + u];
Images.jpeg(Images.templates(Tensor.wrap(columns, 20, 3072), new int[] {3, 32, 32}, null))

// %% md
// Unlike the SVM's templates of notebook 7, these are mostly noise still: He's random start (weights of
// about ±0.026) is as large as what ten epochs of small steps added. Faint shapes show in a few: horizontal
// bands (a horizon), a pale horizontal blob, a bluish centre. CS231n starts its weights at ±0.0001, so its
// pictures show only what was learnt; a larger L2 strength would also wipe out more of the start.
//
// **In PyTorch** the same net and loop read (the layers from `torch.nn`, whose backward autograd provides;
// the step and the decay from `torch.optim`, `weight_decay` being the λ of exercise 2):
//
// ```python
// net = torch.nn.Sequential(torch.nn.Linear(3072, 500), torch.nn.ReLU(), torch.nn.Linear(500, 10))
// opt = torch.optim.SGD([{"params": [net[0].weight, net[2].weight], "weight_decay": 1e-3},
//                        {"params": [net[0].bias, net[2].bias], "weight_decay": 0}], lr=0.1)
// decay = torch.optim.lr_scheduler.ExponentialLR(opt, gamma=0.9)
// for epoch in range(10):
//     for x, y in loader:                      # shuffled batches of 200 centred photos
//         loss = torch.nn.functional.cross_entropy(net(x), y)
//         opt.zero_grad()
//         loss.backward()
//         opt.step()
//     decay.step()
// ```
//
// A layer of your own in PyTorch is a `torch.autograd.Function` with `forward` and `backward`, as in
// notebook 5b; CS231n's assignment 1 writes the same `affine_forward` / `affine_backward` pairs in numpy.
