// expect: image/svg+xml
// expect: image/png
// expect: text: fitted line: y =
// expect: text: Iris test accuracy:
// %% md
// # 3b · A training loop by hand
//
// **What you will learn**
// - a model, a loss and its gradient as one computational graph: linear regression with the mean
//   squared error;
// - gradient descent written out: forward, backward, update, repeated, and the loss curve it draws;
// - the same loop on real data (Iris), in mini-batches, as a softmax classifier.
//
// From notebook 4 on, `model.fit(...)` runs this loop for you; here you see every step of it.
// The exercise: one gradient-descent update of a variable.
// %%
import org.deeptoy.kernel.render.*;
import org.knowm.xchart.*;

// 40 points near the line y = 3x + 0.5, with some noise.
Random random = new Random(1);
int n = 40;
double[] xs = new double[n], ys = new double[n];
for (int i = 0; i < n; i++) {
    xs[i] = -2 + 4 * random.nextDouble();
    ys[i] = 3 * xs[i] + 0.5 + 0.6 * random.nextGaussian();
}
Charts.scatter("40 noisy points", "x", "y", xs, ys, new int[n], List.of("data"))
// %% md
// ## The model and its loss
// A line has two numbers to learn, a slope `w` and an intercept `b`: the prediction for `x` is
// `ŷ = w·x + b`. How wrong a line is over all `n` points is measured by the **mean squared error**
//
// $$L(w, b) = \frac{1}{n}\sum_{i=1}^{n} (\hat y_i - y_i)^2, \qquad \hat y_i = w\,x_i + b$$
//
// Its derivatives tell which way to move each number:
//
// $$\frac{\partial L}{\partial w} = \frac{2}{n}\sum_i (\hat y_i - y_i)\,x_i, \qquad
//   \frac{\partial L}{\partial b} = \frac{2}{n}\sum_i (\hat y_i - y_i)$$
//
// As a graph: the points are inputs `x` `[n, 1]` and `y` `[n, 1]`, the line's numbers are variables
// (they start at 0), and `cg.meanSquaredError` is the loss. One forward and one backward pass:
// %%
ComputationalGraph cg = new ComputationalGraph();
Connection x = cg.input("x"), y = cg.input("y");
Connection w = cg.variable(Tensor.zeros(1, 1), "w");
Connection b = cg.variable(Tensor.zeros(1), "b");
Connection prediction = cg.sum(cg.matrixMultiply(x, w), b, "prediction");
Connection loss = cg.meanSquaredError(prediction, y, "loss");
Map<Connection, Tensor> points = Map.of(x, Tensor.wrap(xs, n, 1), y, Tensor.wrap(ys, n, 1));
SimulationContext ctx = new SimulationContext().forward(cg, points);
ctx.backward(cg, loss);
show(cg, ctx);
// %% md
// With `w = b = 0` every prediction is 0, so the loss is the mean of `y²`. The gradients (red) agree with
// the formulas above:
// %%
double gw = 0, gb = 0;
for (int i = 0; i < n; i++) {
    double error = 0 - ys[i]; // ŷ = 0 at the start
    gw += 2.0 / n * error * xs[i];
    gb += 2.0 / n * error;
}
System.out.println(String.format("by the formulas: dL/dw = %.4f, dL/db = %.4f", gw, gb));
System.out.println(String.format("by backward:     dL/dw = %.4f, dL/db = %.4f", ctx.gradient(w).item(), ctx.gradient(b).item()));
// %% md
// ## Gradient descent
// The gradient points uphill, so each step moves every variable a little against it:
//
// $$w \leftarrow w - \eta\,\frac{\partial L}{\partial w}, \qquad b \leftarrow b - \eta\,\frac{\partial L}{\partial b}$$
//
// `η` (eta) is the **learning rate**. One step of training is: forward (predictions and loss), backward
// (gradients), update. Repeated 60 times with `η = 0.1`:
// %%
double learningRate = 0.1;
int steps = 60;
double[] lossPerStep = new double[steps];
for (int step = 0; step < steps; step++) {
    ctx.forward(cg, points);                      // 1. predictions and loss
    lossPerStep[step] = ctx.value(loss).item();
    ctx.backward(cg, loss);                       // 2. gradients
    for (Connection v : cg.variables()) {         // 3. a step against each gradient
        double[] value = v.value().toArray(), grad = ctx.gradient(v).data();
        for (int i = 0; i < value.length; i++) value[i] -= learningRate * grad[i];
        v.set(Tensor.wrap(value, v.value().shape()));
    }
}
System.out.println(String.format("fitted line: y = %.3f x + %.3f (the points were made from y = 3x + 0.5 plus noise)",
        w.value().item(), b.value().item()));
System.out.println(String.format("loss: %.4f at the start, %.4f after %d steps", lossPerStep[0], lossPerStep[steps - 1], steps));
XYChart curve = Charts.lossCurve(lossPerStep);
curve.setXAxisTitle("step");
curve.getStyler().setYAxisMin(0.0);
curve
// %% md
// The loss falls steeply while the line is far off and flattens as it settles: the noise in the points
// leaves a loss that no line can remove (about 0.6², the noise's variance). The line found:
// %%
XYChart fitted = Charts.scatter("The fitted line", "x", "y", xs, ys, new int[n], List.of("data"));
fitted.addSeries("ŷ = w·x + b", new double[] {-2, 2},
        new double[] {-2 * w.value().item() + b.value().item(), 2 * w.value().item() + b.value().item()})
        .setMarker(org.knowm.xchart.style.markers.SeriesMarkers.NONE);
fitted
// %% md
// **In PyTorch** the same three steps, with the update written out as here (`torch.no_grad()`: the update
// itself is not part of the graph) and the gradients cleared after it, since PyTorch adds them up:
//
// ```python
// for step in range(60):
//     loss = ((w * x + b - y) ** 2).mean()   # 1. forward
//     loss.backward()                        # 2. gradients in w.grad, b.grad
//     with torch.no_grad():                  # 3. a step against each gradient
//         for v in (w, b):
//             v -= 0.1 * v.grad
//             v.grad.zero_()
// ```
//
// An optimizer object does step 3 for you: `opt = torch.optim.SGD([w, b], lr=0.1)`, then `opt.zero_grad()`,
// `loss.backward()`, `opt.step()` (notebook 4b).
//
// ## The same loop on Iris
// A classifier works the same way with another model and loss: scores `s = x·W + b` for the three species
// (`W` `[4, 3]`), and as the loss the **softmax cross-entropy** (notebook 5 derives it): the scores of a
// flower are turned into probabilities, `p_j = e^{s_j} / Σ_k e^{s_k}`, and the loss is `−ln p` of its true
// species, small when the model gives the right species a high probability. Two things change for real data:
// - **mini-batches**: each step uses 16 flowers, not all of them; an **epoch** is one pass over the
//   training set, shuffled each time, so the steps see the flowers in a new order;
// - **held-out data**: 30% of the flowers are kept aside and only used at the end, to measure accuracy on
//   flowers the model never trained on.
//
// The features are standardised first (mean 0, variance 1, measured on the training flowers).
// %%
Dataset iris = Datasets.iris();
Split split = iris.split(0.3, 1);
Scaler scaler = Scaler.standardize(split.train());

ComputationalGraph ig = new ComputationalGraph();
Connection features = ig.input("x"), species = ig.input("labels");
Connection W = ig.variable(Tensor.randomNormal(new Random(1), 0, 0.01, 4, 3), "W");
Connection bias = ig.variable(Tensor.zeros(3), "b");
Connection scores = ig.sum(ig.matrixMultiply(features, W), bias, "scores");
Connection irisLoss = ig.softmaxCrossEntropy(scores, species, "loss");

Tensor labelTensor(int[] labels) {
    double[] d = new double[labels.length];
    for (int i = 0; i < d.length; i++) d[i] = labels[i];
    return Tensor.wrap(d, labels.length);
}

SimulationContext run = new SimulationContext();
Random shuffle = new Random(1);
int epochs = 30;
double[] epochLoss = new double[epochs];
for (int epoch = 0; epoch < epochs; epoch++) {
    double sum = 0;
    int batches = 0;
    for (Batch batch : split.train().batches(16, shuffle)) {
        run.forward(ig, Map.of(features, scaler.apply(batch.x()), species, labelTensor(batch.labels())));
        sum += run.value(irisLoss).item();
        batches++;
        run.backward(ig, irisLoss);
        for (Connection v : ig.variables()) {
            double[] value = v.value().toArray(), grad = run.gradient(v).data();
            for (int i = 0; i < value.length; i++) value[i] -= 0.1 * grad[i];
            v.set(Tensor.wrap(value, v.value().shape()));
        }
    }
    epochLoss[epoch] = sum / batches;
}
System.out.println(String.format("mean loss per epoch: %.4f in the first, %.4f in the last", epochLoss[0], epochLoss[epochs - 1]));
XYChart irisCurve = Charts.lossCurve(epochLoss);
irisCurve.getStyler().setYAxisMin(0.0);
irisCurve
// %% md
// The model has never seen the 45 test flowers. Its prediction for each is the species with the highest
// score:
// %%
run.forward(ig, Map.of(features, scaler.apply(split.test().x())), scores);
int[] predicted = run.value(scores).argmaxRows();
int right = 0;
for (int i = 0; i < predicted.length; i++) if (predicted[i] == split.test().labels()[i]) right++;
System.out.println(String.format("Iris test accuracy: %.4f (%d of %d flowers)", (double) right / predicted.length,
        right, predicted.length));
// %% md
// That is the whole of training. `fit` (notebook 4 on) adds what a long run needs around the same loop:
// other update rules than plain gradient descent (momentum, Adam), a learning-rate schedule, a progress bar
// and loss chart, accuracy per epoch, a stop when the loss stops being a number, and an interrupt button
// that keeps the weights.
//
// ## Exercise
// **1. One update.** Complete `sgdStep(v, gradient, learningRate)`: set the variable `v` to
// `v − learningRate · gradient`, element by element (`v.value()` gives the current values, `v.set(tensor)`
// replaces them; the shape stays the same).
// %% exercise
void sgdStep(Connection v, Tensor gradient, double learningRate) {
    // BEGIN SOLUTION
    double[] value = v.value().toArray(), g = gradient.data();
    for (int i = 0; i < value.length; i++) value[i] -= learningRate * g[i];
    v.set(Tensor.wrap(value, v.value().shape()));
    // END SOLUTION
    // STUDENT: // your code here
}
// %%
// Check: your update on random variables, gradients and learning rates.
TrainingLoopChecks.sgdStep((v, gradient, lr) -> sgdStep(v, gradient, lr));
