// expect: image/png
// expect: image/svg+xml
// expect: text: Training stopped: the loss became
// expect: text: final loss
// expect: text: lowest loss
// %% md
// # 4b · Optimizers: SGD, momentum, Adam, and the learning rate
//
// **What you will learn**
// - three update rules and their math: plain gradient descent (SGD), momentum, and Adam;
// - why they behave differently, seen on a narrow valley where every step is drawn;
// - the learning rate: too low (nothing happens), right, and too high (the loss explodes, and `fit`
//   stops with advice);
// - the learning-rate finder (one short run that sweeps the rate) and a schedule, cosine annealing.
//
// Notebooks 4 to 8 use `new Sgd(0.01).momentum(0.9)` and `new Adam(1e-3)`: here is what they do.
// %%
import org.deeptoy.kernel.render.*;
import org.knowm.xchart.*;
import tech.tablesaw.api.*;

boolean quick = Course.quick();
// %% md
// ## Three update rules
// Every optimizer turns the gradient `g = ∂L/∂w` of a batch into a step for each weight `w`
// (`η` is the learning rate, `t` counts the steps):
//
// | rule | update |
// |---|---|
// | SGD | $w \leftarrow w - \eta\, g$ |
// | momentum (μ = 0.9) | $v \leftarrow \mu v + g, \quad w \leftarrow w - \eta\, v$ |
// | Adam (β₁ = 0.9, β₂ = 0.999) | $m \leftarrow \beta_1 m + (1-\beta_1) g, \quad s \leftarrow \beta_2 s + (1-\beta_2) g^2, \quad w \leftarrow w - \eta\,\frac{m / (1-\beta_1^t)}{\sqrt{s / (1-\beta_2^t)} + \epsilon}$ |
//
// Momentum adds up past gradients: steps that agree build up speed (up to `1/(1 − μ)` = 10 times the
// gradient), steps that alternate cancel. Adam divides each weight's step by the size of its recent
// gradients, so every weight moves about `η` per step whatever the scale of its gradient.
//
// ## A narrow valley
// The loss `L(w) = ½ (w₁² + 100 w₂²)` is a valley 10 times steeper across (`w₂`) than along (`w₁`). Its
// minimum is at `(0, 0)`; we start at `(−4, 1)`. As a graph:
// %%
ComputationalGraph valley = new ComputationalGraph();
Connection w = valley.variable(Tensor.vector(-4, 1), "w");
Connection curvature = valley.constant(Tensor.vector(1, 100), "curvature");
Connection valleyLoss = valley.multiply(valley.constant(0.5), valley.reduceSum(valley.multiply(curvature, valley.square(w))), "loss");
SimulationContext ctx = new SimulationContext().forward(valley);
ctx.backward(valley, valleyLoss);
show(valley, ctx);
// %% md
// Each optimizer takes 80 steps from the same start, with `optimizer.step(variables, ctx)` after each
// forward and backward pass: the loop of notebook 3b with the update rule swapped. SGD's learning rate
// must stay below 2/100 here, or it overshoots across the valley further at each step.
// %%
double[][] walk(Optimizer optimizer, int steps) {
    w.set(Tensor.vector(-4, 1));
    double[][] path = new double[3][steps + 1]; // w1, w2, loss
    for (int t = 0; t <= steps; t++) {
        ctx.forward(valley);
        path[0][t] = w.value().data()[0];
        path[1][t] = w.value().data()[1];
        path[2][t] = ctx.value(valleyLoss).item();
        if (t == steps) break;
        ctx.backward(valley, valleyLoss);
        optimizer.step(valley.variables(), ctx);
    }
    return path;
}
var optimizers = new LinkedHashMap<String, Optimizer>();
optimizers.put("SGD η=0.018", new Sgd(0.018));
optimizers.put("momentum η=0.005", new Sgd(0.005).momentum(0.9));
optimizers.put("Adam η=0.2", new Adam(0.2));
// Equal scales on both axes (at 760 × 374 pixels a unit of w₁ and a unit of w₂ are both 115 pixels long), so
// that the valley looks as narrow as it is, and grey contours of the loss: each ellipse joins the points
// where L is 0.125, 0.5, 2, 8 or 32.
XYChart paths = new XYChartBuilder().width(760).height(374).title("80 steps in the valley").xAxisTitle("w₁").yAxisTitle("w₂").build();
for (double level : new double[] {0.125, 0.5, 2, 8, 32}) {
    double[] c1 = new double[361], c2 = new double[361];
    for (int i = 0; i <= 360; i++) {
        c1[i] = Math.sqrt(2 * level) * Math.cos(Math.toRadians(i));
        c2[i] = Math.sqrt(2 * level / 100) * Math.sin(Math.toRadians(i));
    }
    var contour = paths.addSeries("L = " + level, c1, c2);
    contour.setMarker(org.knowm.xchart.style.markers.SeriesMarkers.NONE);
    contour.setLineColor(new java.awt.Color(0xbbbbbb));
    contour.setLineWidth(1f);
    contour.setShowInLegend(false);
}
var losses = new LinkedHashMap<String, double[]>();
// The colours of the loss chart below (Charts.curves), so each optimizer keeps its colour.
var colours = new ArrayDeque<>(List.of(new java.awt.Color(0x1f77b4), new java.awt.Color(0xff7f0e), new java.awt.Color(0x2ca02c)));
for (var e : optimizers.entrySet()) {
    double[][] p = walk(e.getValue(), 80);
    var path = paths.addSeries(e.getKey(), p[0], p[1]);
    path.setMarker(org.knowm.xchart.style.markers.SeriesMarkers.CIRCLE);
    java.awt.Color colour = colours.pop();
    path.setLineColor(colour);
    path.setMarkerColor(colour);
    losses.put(e.getKey(), p[2]);
    System.out.println(String.format("%-17s final loss %.2e at w = (%.3f, %.3f)", e.getKey(), p[2][80], p[0][80], p[1][80]));
}
paths.getStyler().setXAxisMin(-4.5).setXAxisMax(1.0).setYAxisMin(-1.0).setYAxisMax(1.1);
paths.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideS);
paths.getStyler().setLegendLayout(org.knowm.xchart.style.Styler.LegendLayout.Horizontal);
paths.getStyler().setMarkerSize(4);
paths.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
paths
// %% md
// The grey ellipses are contours of the loss, from L = 0.125 around the minimum to L = 32, with both axes on
// the same scale: each ellipse is 10 times as wide as it is tall, the narrow valley, and a step across it
// changes the loss far more than a step of the same length along it.
// SGD first zigzags across the steep direction (each step overshoots by 80 %), then creeps along the flat
// one: its learning rate is capped by the steep direction, so along `w₁` each step removes only 1.8 % of the
// distance, and after 80 steps it is still far from the minimum. Momentum swings across the valley too, but
// its velocity builds up along it and carries it to the minimum. Adam moves both coordinates at about the
// same rate whatever their gradients' size, so it heads diagonally for the middle, overshoots the minimum
// and turns back. The loss per step, on a log scale (step 0 is the start, L = 58):
// %%
double[] stepNumbers = new double[81]; // step 0 is the start
for (int t = 0; t <= 80; t++) stepNumbers[t] = t;
XYChart lossChart = Charts.curves("Loss per step", "step", "loss", stepNumbers, losses);
lossChart.getStyler().setYAxisLogarithmic(true);
lossChart
// %% md
// ## The learning rate
// The learning rate matters more than the choice of rule. Three runs of plain SGD on 5000 MNIST digits,
// differing only in `η`. MNIST is the data set of notebook 6: handwritten digits, 28 × 28 grey pixels each,
// so 784 numbers per image and 10 classes. The model is a small version of notebook 5's multi-layer
// perceptron (MLP): a layer `h = leakyReLU(x·W₁ + b₁)` of 128 hidden units (leaky ReLU passes positive
// values and scales negative ones by a small factor), then 10 class scores `h·W₂ + b₂` with the softmax
// cross-entropy of notebook 3b. Here it is only something with a realistic loss surface to descend:
// %%
Split mnist = Datasets.mnist();
Dataset digits = mnist.train().stratifiedFirst(quick ? 2000 : 5000);
Dataset heldOut = mnist.test().first(2000);
Mlp mnistMlp(long seed) {
    Mlp m = Mlp.builder().layers(784, 128, 10).activation(Activation.LEAKY_RELU).seed(seed).build();
    m.scaler(Scaler.pixels());
    return m;
}
int epochs = quick ? 3 : 8;
var byRate = new LinkedHashMap<String, double[]>();
for (String rate : new String[] {"0.0001", "0.1"}) {
    Mlp m = mnistMlp(1);
    History h = m.fit(digits, new FitOptions().epochs(epochs).batchSize(50).optimizer(new Sgd(Double.parseDouble(rate)))
            .seed(1).live(false));
    byRate.put("η = " + rate, h.loss());
    System.out.println(String.format("η = %s: final loss %.4f, held-out accuracy %.4f", rate, h.last().loss(), m.score(heldOut)));
}
Charts.lossCurve(byRate)
// %% md
// With `η = 0.0001` the loss hardly moves from its start (about ln 10 ≈ 2.3, a uniform guess over ten
// digits): the steps are too small. With `η = 0.1` it falls fast. Now `η = 100`:
// %%
Mlp tooFast = mnistMlp(1);
try {
    tooFast.fit(digits, new FitOptions().epochs(epochs).batchSize(50).optimizer(new Sgd(100)).seed(1).live(false));
} catch (DeepToyException e) {
    System.out.println(e.getMessage());
}
var exploded = tooFast.history().batchLosses();
System.out.println(String.format("loss of the first batches: %s", exploded.subList(0, 5)));
// %% md
// Each step overshoots so far that the next gradient is larger still: the weights grow until a number no
// longer fits in a `double` and the loss becomes infinite or NaN ("not a number"). `fit` stops right there
// and says what to try: a lower learning rate, normalised inputs, and a look at the data. (With plain ReLU
// units the same mistake shows differently: units whose input stays negative stop learning for good, and
// the loss sticks near 2.3.)
//
// ## The three rules on MNIST
// The same network, each rule with a learning rate that suits it, 5000 digits:
// %%
var byRule = new LinkedHashMap<String, Optimizer>();
byRule.put("SGD η=0.1", new Sgd(0.1));
byRule.put("momentum η=0.01", new Sgd(0.01).momentum(0.9));
byRule.put("Adam η=0.001", new Adam(1e-3));
var ruleLoss = new LinkedHashMap<String, double[]>();
double[] ruleAccuracy = new double[3];
int r = 0;
for (var e : byRule.entrySet()) {
    Mlp m = mnistMlp(1);
    History h = m.fit(digits, new FitOptions().epochs(epochs).batchSize(50).optimizer(e.getValue()).seed(1).live(false));
    ruleLoss.put(e.getKey(), h.loss());
    ruleAccuracy[r++] = m.score(heldOut);
}
Table.create("after " + epochs + " epochs", StringColumn.create("optimizer", byRule.keySet().toArray(String[]::new)),
        DoubleColumn.create("final loss", ruleLoss.values().stream().mapToDouble(l -> l[l.length - 1]).toArray()),
        DoubleColumn.create("held-out accuracy", ruleAccuracy))
// %%
Charts.lossCurve(ruleLoss)
// %% md
// With a well-chosen learning rate each rule gets there; they differ in how forgiving they are. Adam's
// learning rate near its default `η = 0.001` (notebooks 5 to 8 use 3·10⁻⁴ to 10⁻², one value per network) works
// for most networks with little tuning, which is why those notebooks use Adam; SGD with
// momentum, tuned, often ends at a slightly better model on large problems, which is why it is still common.
//
// **In PyTorch** the same rules and the same settings:
//
// ```python
// torch.optim.SGD(model.parameters(), lr=0.1)
// torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)   # v ← μv + g, w ← w − ηv, as here
// torch.optim.Adam(model.parameters(), lr=1e-3)
// ```
//
// ## Finding the learning rate
// Trying rates one run at a time is slow. The **learning-rate finder** (Smith, 2015; popularised by fast.ai)
// takes one short run instead: plain SGD from a fresh network, the rate growing by the same factor at every
// batch, from `η_min` to `η_max`,
//
// $$\eta_k = \eta_\text{min} \left(\frac{\eta_\text{max}}{\eta_\text{min}}\right)^{k/(K-1)}, \qquad k = 0 \dots K-1,$$
//
// and the loss of each batch recorded, until the loss is four times the lowest seen (the rate is too large
// from there on). Each step is the training loop of notebook 3b, with a new `Sgd(η_k)` for each batch (plain
// SGD keeps no state between steps):
// %%
Mlp probe = mnistMlp(1);
var probeVariables = probe.graph().variables();
var probeCtx = new SimulationContext().variableGradientsOnly(true).checkFinite(false);
int finderSteps = quick ? 60 : 100;
double etaMin = 1e-4, etaMax = 100;
var finderRates = new ArrayList<Double>();
var finderLosses = new ArrayList<Double>();
double lowest = Double.POSITIVE_INFINITY;
Random shuffle = new Random(1);
search:
for (int pass = 0; ; pass++) {
    for (Batch b : digits.batches(50, shuffle)) {
        int k = finderRates.size();
        double eta = etaMin * Math.pow(etaMax / etaMin, (double) k / (finderSteps - 1));
        double[] labelValues = new double[b.size()];
        for (int i = 0; i < b.size(); i++) labelValues[i] = b.labels()[i];
        probeCtx.forward(probe.graph(), Map.of(probe.input(), Scaler.pixels().apply(b.x()).reshape(b.size(), 784),
                probe.labels(), Tensor.wrap(labelValues, b.size())));
        double loss = probeCtx.value(probe.lossConnection()).item();
        if (!Double.isFinite(loss) || loss > 4 * lowest || k == finderSteps) break search;
        finderRates.add(eta);
        finderLosses.add(loss);
        lowest = Math.min(lowest, loss);
        probeCtx.backward(probe.graph(), probe.lossConnection());
        new Sgd(eta).step(probeVariables, probeCtx);
    }
}
double[] rates = finderRates.stream().mapToDouble(Double::doubleValue).toArray();
int best = finderLosses.indexOf(finderLosses.stream().min(Double::compare).get());
System.out.println(String.format("%d batches, η from %.0e to %.3g; lowest loss %.4f at η = %.3g", rates.length, etaMin,
        rates[rates.length - 1], finderLosses.get(best), rates[best]));
XYChart finder = Charts.curves("Learning-rate finder: loss of each batch", "learning rate η (log scale)", "loss", rates,
        Map.of("SGD", finderLosses.stream().mapToDouble(Double::doubleValue).toArray()));
finder.getStyler().setXAxisLogarithmic(true);
finder
// %% md
// Read the curve from left to right. Up to η ≈ 0.01 the loss only wobbles around its start (2.2–2.5):
// steps too small to matter in one batch. From about 0.03 it falls, fastest between 0.05 and 0.3; it is
// lowest near η = 0.3 to 1.3 (1.01 at 1.32, after 70 batches), and at η = 1.52 it shoots up and the next
// batch's loss is more than four times the lowest: the finder stops. The usual choice is about ten times below
// the rate of the lowest loss, where the curve is still falling steeply: here η ≈ 0.1, the rate this notebook
// found above by three whole runs. (The loss is that of single batches of 50 digits, hence the noise; at each
// rate the network has also learnt from all batches before, so the curve is a guide, not an exact map.)
//
// ## A schedule: cosine annealing
// Large steps early cover ground; small steps late settle into a minimum instead of bouncing around it. A
// **schedule** changes the rate from epoch to epoch; `new Sgd(η).schedule(Schedule.cosine(epochs))` follows
// half a cosine from `η` down to almost 0 over the run (Loshchilov and Hutter, 2016):
//
// $$\eta_e = \frac{\eta}{2}\left(1 + \cos\frac{\pi e}{E}\right), \qquad e = 0 \dots E-1.$$
//
// (`Schedule.step(every, γ)` and `Schedule.exponential(γ)` are the older alternatives.) The same network,
// SGD at the finder's rate, constant against cosine:
// %%
double chosen = 0.1;
var bySchedule = new LinkedHashMap<String, double[]>();
for (Schedule schedule : new Schedule[] {Schedule.constant(), Schedule.cosine(epochs)}) {
    Mlp m = mnistMlp(1);
    History h = m.fit(digits, new FitOptions().epochs(epochs).batchSize(50)
            .optimizer(new Sgd(chosen).schedule(schedule)).seed(1).live(false));
    String name = schedule == Schedule.constant() ? "constant" : "cosine";
    bySchedule.put(name, h.loss());
    System.out.println(String.format("%-8s η = %s: final loss %.4f, held-out accuracy %.4f", name, chosen, h.last().loss(), m.score(heldOut)));
}
Charts.lossCurve(bySchedule)
// %% md
// Here cosine does not win: the two curves are the same for four epochs, then the constant rate keeps
// going down faster, final training loss 0.1785 against 0.2166 and held-out accuracy 0.8930 against 0.8865.
// After 8 epochs at η = 0.1 this network is still far from a minimum, so taking smaller steps in the second
// half only slows it. A schedule pays off when a constant rate stops making progress: a rate near the top of
// the finder's range, or runs long enough to reach the bottom of the valley. Notebooks 6 and 8 use a step
// schedule for that reason.
//
// **In PyTorch** a schedule is an object stepped once per epoch, after that epoch's `optimizer.step()` calls:
//
// ```python
// opt = torch.optim.SGD(model.parameters(), lr=0.1)
// schedule = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=epochs)
// for epoch in range(epochs):
//     ...                               # the batches: zero_grad, backward, opt.step()
//     schedule.step()
// ```
//
// (The learning-rate finder is not part of PyTorch itself; libraries built on it, such as fastai's
// `lr_find`, run the loop above.)
//
// ## Exercise
// **1. A momentum step.** Complete `momentumStep(w, v, g, eta, mu)`: update the velocity `v` in place,
// `v ← μ v + g`, then return the new weights `w − η v` (a new array; `w` stays as it was).
// %% exercise points=2
double[] momentumStep(double[] w, double[] v, double[] g, double eta, double mu) {
    // BEGIN SOLUTION
    double[] next = new double[w.length];
    for (int i = 0; i < w.length; i++) {
        v[i] = mu * v[i] + g[i];
        next[i] = w[i] - eta * v[i];
    }
    return next;
    // END SOLUTION
    // STUDENT: return w.clone(); // your code here
}
// %%
// Check: five of your steps against DeepToy's Sgd(η).momentum(μ) on a random quadratic loss.
OptimizerChecks.momentumStep((w, v, g, eta, mu) -> momentumStep(w, v, g, eta, mu));
