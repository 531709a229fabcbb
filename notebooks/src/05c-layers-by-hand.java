// expect: image/svg+xml
// expect: text: affine: largest difference
// expect: text: dropout, training: largest difference
// expect: text: batch norm, training: largest difference
// %% md
// # 5c · Layers by hand: affine, ReLU, dropout and batch norm, forward and backward
//
// Notebook 5's MLP is a stack of layers: `x·W + b`, ReLU, and, in later notebooks, dropout and batch
// normalization. The engine runs each as an op with a forward and a backward. Here you write them
// yourself as plain functions over arrays — what CS231n's second assignment asks — and check each against
// the engine's op (its gradient for the same inputs) and against finite differences.
//
// **You will learn**
// - the backward of a matrix product, read off its shapes;
// - why dropout scales by `1/(1 − p)` in training and does nothing at inference ("inverted" dropout);
// - batch normalization in training (the batch's statistics) and at inference (running averages), and its
//   backward derived on its computational graph, one node at a time.
//
// The exercises: the affine backward (2 points), ReLU's backward (1 point), batch norm's backward (3 points).
//
// Every layer here is a forward `out = f(x)` and a backward that gets `dout = dL/dout` from the layer above
// and returns `dL/dx` (and the gradients of the layer's parameters). A batch is an array of rows,
// `double[n][d]`: one row per example.

// %%
boolean quick = Course.quick();
Random random = new Random(5);

double[][] randomRows(int n, int d) {
    double[][] a = new double[n][d];
    for (double[] row : a) for (int j = 0; j < d; j++) row[j] = random.nextGaussian();
    return a;
}

Tensor tensor(double[][] a) {
    return Tensor.wrap(Arrays.stream(a).flatMapToDouble(Arrays::stream).toArray(), a.length, a[0].length);
}

double[] flat(double[][] a) {
    return Arrays.stream(a).flatMapToDouble(Arrays::stream).toArray();
}

double largestDifference(double[] a, double[] b) {
    if (a.length != b.length) return Double.NaN;
    double d = 0;
    for (int i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
    return d;
}

/**
 * The numeric gradient of L = Σ dout · forward(x) with respect to x: central differences, one element of x at
 * a time, (L(x + h) − L(x − h)) / 2h with h = 10⁻⁵. Slow (two forwards per element), exact enough to check.
 */
double[][] numericGradient(java.util.function.Function<double[][], double[][]> forward, double[][] x, double[][] dout) {
    double h = 1e-5;
    double[][] g = new double[x.length][x[0].length];
    for (int i = 0; i < x.length; i++) {
        for (int j = 0; j < x[0].length; j++) {
            double keep = x[i][j];
            x[i][j] = keep + h;
            double up = dot(forward.apply(x), dout);
            x[i][j] = keep - h;
            double down = dot(forward.apply(x), dout);
            x[i][j] = keep;
            g[i][j] = (up - down) / (2 * h);
        }
    }
    return g;
}

double dot(double[][] a, double[][] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) for (int j = 0; j < a[0].length; j++) s += a[i][j] * b[i][j];
    return s;
}
System.out.println("helpers ready: randomRows, tensor, numericGradient, largestDifference");

// %% md
// `numericGradient` is the gradient check of notebook 3 for a function over arrays: with
// `L = Σ dout · out` (every output weighted by its upstream gradient), `dL/dout = dout`, so the numeric
// `dL/dx` is exactly what a backward given `dout` must return.
//
// ## The affine layer
//
// `out = x·W + b`: `x` is `[n, d]` (n examples, d inputs), `W` is `[d, m]`, `b` is `[m]` (added to every
// row), `out` is `[n, m]`. Element by element, `out_ik = Σ_j x_ij W_jk + b_k`. Each weight `W_jk` and each
// input `x_ij` appears in several outputs, so its gradient sums over them (notebook 3c: a value used in
// several places gets the sum of their gradients):
//
// $$\frac{\partial L}{\partial x_{ij}} = \sum_k \mathrm{dout}_{ik}\, W_{jk}, \qquad
// \frac{\partial L}{\partial W_{jk}} = \sum_i x_{ij}\, \mathrm{dout}_{ik}, \qquad
// \frac{\partial L}{\partial b_k} = \sum_i \mathrm{dout}_{ik}$$
//
// As matrix products: `dx = dout · Wᵀ` (`[n, m]·[m, d]`), `dW = xᵀ · dout` (`[d, n]·[n, m]`), and `db` sums
// `dout` over the examples. The shapes alone fix the order: `dx` must be `[n, d]` like `x`, and only one
// product of `dout` and `W` gives that. The forward:

// %%
double[][] affineForward(double[][] x, double[][] w, double[] b) {
    int n = x.length, d = w.length, m = w[0].length;
    double[][] out = new double[n][m];
    for (int i = 0; i < n; i++) {
        for (int k = 0; k < m; k++) {
            double s = b[k];
            for (int j = 0; j < d; j++) s += x[i][j] * w[j][k];
            out[i][k] = s;
        }
    }
    return out;
}

// %% md
// ## Exercise 1: the affine backward
//
// Complete `affineBackward`: given `dout` `[n, m]`, `x` and `W`, add `dL/dx` into `dx` `[n, d]`, `dL/dW` into
// `dw` `[d, m]` and `dL/db` into `db` `[m]` (they arrive filled with zeros). Loops are fine: the point is the
// indices. The check compares your three gradients with the engine's (`cg.matrixMultiply` and `cg.sum`,
// backward through `SimulationContext`, whose gradients pass the gradient check) on random shapes.

// %% exercise points=2
void affineBackward(double[][] dout, double[][] x, double[][] w, double[][] dx, double[][] dw, double[] db) {
    int n = x.length, d = w.length, m = w[0].length;
    // BEGIN SOLUTION
    for (int i = 0; i < n; i++) {
        for (int k = 0; k < m; k++) {
            db[k] += dout[i][k];
            for (int j = 0; j < d; j++) {
                dx[i][j] += dout[i][k] * w[j][k];
                dw[j][k] += x[i][j] * dout[i][k];
            }
        }
    }
    // END SOLUTION
    // STUDENT: // your code here
}

// %%
// Check: your dx, dW and db against the engine's matrixMultiply and sum, on random shapes.
LayersByHandChecks.affineBackward((dout, x, w, dx, dw, db) -> affineBackward(dout, x, w, dx, dw, db));

// %% md
// The same comparison in the open, on one batch (4 examples, 3 inputs, 5 outputs): your backward, the
// engine's gradients for the same graph, and the numeric gradient of `affineForward`.

// %%
// One block: its names stay inside it, and the kernel compiles it at once (one snippet, not one per line).
{
    double[][] ax = randomRows(4, 3), aw = randomRows(3, 5), adout = randomRows(4, 5);
    double[] ab = randomRows(1, 5)[0];
    double[][] adx = new double[4][3], adw = new double[3][5];
    double[] adb = new double[5];
    affineBackward(adout, ax, aw, adx, adw, adb);
    var ag = new ComputationalGraph();
    var acx = ag.variable(tensor(ax), "x");
    var acw = ag.variable(tensor(aw), "W");
    var acb = ag.variable(Tensor.vector(ab), "b");
    var aout = ag.sum(ag.matrixMultiply(acx, acw), acb, "out");
    var aloss = ag.reduceSum(ag.multiply(aout, ag.constant(tensor(adout), "dout"))).named("L");
    var actx = new SimulationContext().forward(ag).backward(ag, aloss);
    System.out.printf("affine: largest difference from the engine: dx %.2g, dW %.2g, db %.2g%n",
            largestDifference(flat(adx), actx.gradient(acx).toArray()), largestDifference(flat(adw), actx.gradient(acw).toArray()),
            largestDifference(adb, actx.gradient(acb).toArray()));
    System.out.printf("affine: largest difference from the numeric gradient: dx %.2g, dW %.2g%n",
            largestDifference(flat(adx), flat(numericGradient(x -> affineForward(x, aw, ab), ax, adout))),
            largestDifference(flat(adw), flat(numericGradient(w -> affineForward(ax, w, ab), aw, adout))));
}

// %% md
// Your backward and the engine's agree to 4.4·10⁻¹⁶ (rounding: the same sums added in another order; `db`
// exactly), and the numeric gradient to 7·10⁻¹¹, the error of central differences with `h = 10⁻⁵`.
//
// ## ReLU
//
// `out = max(0, x)` element by element: its local derivative is 1 where `x > 0` and 0 where `x < 0` (at 0
// we take 0, as the engine does), and the chain rule multiplies it by the upstream gradient.

// %%
double[][] reluForward(double[][] x) {
    double[][] out = new double[x.length][];
    for (int i = 0; i < x.length; i++) {
        out[i] = x[i].clone();
        for (int j = 0; j < out[i].length; j++) out[i][j] = Math.max(0, out[i][j]);
    }
    return out;
}

// %% md
// ## Exercise 2: ReLU's backward
//
// Complete `reluBackward`: write `dL/dx` into `dx` (zeros on arrival) from `dout` and the layer's input `x`.
// The check compares it with the engine's `cg.relu` on random batches.

// %% exercise id=reluLayerBackward
void reluBackward(double[][] dout, double[][] x, double[][] dx) {
    // BEGIN SOLUTION
    for (int i = 0; i < x.length; i++) {
        for (int j = 0; j < x[i].length; j++) dx[i][j] = x[i][j] > 0 ? dout[i][j] : 0;
    }
    // END SOLUTION
    // STUDENT: // your code here
}

// %%
// Check: your dx against the engine's relu, on random batches.
LayersByHandChecks.reluBackward((dout, x, dx) -> reluBackward(dout, x, dx));

// %%
{
    double[][] rx = randomRows(4, 6), rdout = randomRows(4, 6), rdx = new double[4][6];
    reluBackward(rdout, rx, rdx);
    var rg = new ComputationalGraph();
    var rcx = rg.variable(tensor(rx), "x");
    var rloss = rg.reduceSum(rg.multiply(rg.relu(rcx), rg.constant(tensor(rdout), "dout"))).named("L");
    var rctx = new SimulationContext().forward(rg).backward(rg, rloss);
    System.out.printf("relu: largest difference from the engine %.2g, from the numeric gradient %.2g%n",
            largestDifference(flat(rdx), rctx.gradient(rcx).toArray()),
            largestDifference(flat(rdx), flat(numericGradient(x -> reluForward(x), rx, rdout))));
}

// %% md
// ## Dropout: training and inference
//
// In training, dropout sets each value to 0 with probability `p` and keeps it otherwise: a network that
// cannot count on any one unit spreads what it learns (notebook 6b). At inference every unit is kept, so
// a unit's output is on average `1/(1 − p)` times what the next layer saw in training. **Inverted**
// dropout fixes that in training: it scales the kept values by `1/(1 − p)`, so that the expected output
// equals the input, `E[out] = (1 − p) · x/(1 − p) = x`, and inference is the identity (nothing to change
// when the model is used). With the mask `m_ij` (0 or `1/(1 − p)`), `out = x ⊙ m` and the backward is
// `dx = dout ⊙ m`: the dropped units pass no gradient, the kept ones pass it scaled.

// %%
/** Inverted dropout: in training each value is dropped with probability p (the factors go into mask), at inference the identity. */
double[][] dropoutForward(double[][] x, double p, boolean training, Random r, double[][] mask) {
    double[][] out = new double[x.length][x[0].length];
    for (int i = 0; i < x.length; i++) {
        for (int j = 0; j < x[0].length; j++) {
            mask[i][j] = !training ? 1 : r.nextDouble() < p ? 0 : 1 / (1 - p);
            out[i][j] = x[i][j] * mask[i][j];
        }
    }
    return out;
}

double[][] dropoutBackward(double[][] dout, double[][] mask) {
    double[][] dx = new double[dout.length][dout[0].length];
    for (int i = 0; i < dout.length; i++) for (int j = 0; j < dout[0].length; j++) dx[i][j] = dout[i][j] * mask[i][j];
    return dx;
}

// %% md
// Three checks. The mean: on a large batch the training output's mean is the input's. The backward
// against the engine: `cg.dropout` in a training pass draws its own mask, which we read back from its
// output (`out / x`), hand to our backward, and compare with the engine's gradient from the same pass.
// And the numeric gradient of our forward with the mask held fixed (the same seed each call).

// %%
{
    double p = 0.5;
    double[][] big = randomRows(quick ? 200 : 2000, 100), bigMask = new double[big.length][100];
    double[][] bigOut = dropoutForward(big, p, true, new Random(1), bigMask);
    double dropped = Arrays.stream(flat(bigMask)).filter(v -> v == 0).count() / (double) (big.length * 100);
    System.out.printf("dropout p = %.1f on %d values: %.4f dropped; mean |x| %.4f, mean |out| %.4f%n", p, big.length * 100,
            dropped, Arrays.stream(flat(big)).map(Math::abs).average().orElse(0), Arrays.stream(flat(bigOut)).map(Math::abs).average().orElse(0));

    double[][] dx0 = randomRows(4, 6), ddout = randomRows(4, 6);
    var dg = new ComputationalGraph();
    var dcx = dg.variable(tensor(dx0), "x");
    var dcout = dg.dropout(dcx, p, "dropout");
    var dloss = dg.reduceSum(dg.multiply(dcout, dg.constant(tensor(ddout), "dout"))).named("L");
    var dctx = new SimulationContext().training(true).seed(3).forward(dg).backward(dg, dloss);
    double[][] engineMask = new double[4][6];
    for (int i = 0; i < 4; i++) for (int j = 0; j < 6; j++) engineMask[i][j] = dctx.value(dcout).get(i, j) / dx0[i][j];
    double[][] fixedMask = new double[4][6];
    dropoutForward(dx0, p, true, new Random(2), fixedMask);
    System.out.printf("dropout, training: largest difference from the engine %.2g, from the numeric gradient %.2g%n",
            largestDifference(flat(dropoutBackward(ddout, engineMask)), dctx.gradient(dcx).toArray()),
            largestDifference(flat(dropoutBackward(ddout, fixedMask)),
                    flat(numericGradient(x -> dropoutForward(x, p, true, new Random(2), new double[4][6]), dx0, ddout))));
    var ictx = new SimulationContext().forward(dg).backward(dg, dloss); // inference: training is off by default
    System.out.printf("dropout, inference: largest difference of out from x %.2g, of the gradient from dout %.2g%n",
            largestDifference(ictx.value(dcout).toArray(), flat(dx0)), largestDifference(ictx.gradient(dcx).toArray(), flat(ddout)));
}

// %% md
// With `p = 0.5`, 0.4989 of the 200 000 values were dropped, and the output's mean size, 0.7981, is the
// input's, 0.7966: the kept half, doubled, makes up for the dropped half. Our backward with the engine's mask
// gives the engine's gradient exactly (difference 0), and the numeric gradient to 7·10⁻¹¹. At inference the
// engine's dropout passes `x` forward and `dout` back unchanged (differences 0).
//
// ## Batch normalization
//
// Batch norm makes each feature of a layer's output have mean 0 and variance 1 over the batch, then lets
// the network pick its scale `γ` and shift `β` (notebook 8b trains CNNs with it). For one feature `j`
// over a batch of `N` examples:
//
// $$\mu = \frac{1}{N}\sum_i x_i, \quad \sigma^2 = \frac{1}{N}\sum_i (x_i - \mu)^2, \quad
// \hat{x}_i = \frac{x_i - \mu}{\sqrt{\sigma^2 + \varepsilon}}, \quad y_i = \gamma\, \hat{x}_i + \beta$$
//
// with `ε = 10⁻⁵` against a division by 0. **In training** `μ` and `σ²` are the batch's own. **At
// inference** there may be one example only, so the layer uses running averages kept during training:
// after each training batch `μ_run ← 0.9 μ_run + 0.1 μ` and `σ²_run ← 0.9 σ²_run + 0.1 σ² · N/(N − 1)`
// (momentum 0.1, the variance unbiased), as the engine's `cg.batchNorm` and PyTorch's `BatchNorm1d` do.

// %%
/** Training: normalises x by the batch's statistics, updates the running ones in place, and keeps x̂ and 1/√(σ² + ε) for backward. */
double[][] batchNormTrain(double[][] x, double[] gamma, double[] beta, double[] runningMean, double[] runningVar,
                          double[][] xhat, double[] invStd) {
    int n = x.length, d = x[0].length;
    double[][] out = new double[n][d];
    for (int j = 0; j < d; j++) {
        double mean = 0, var = 0;
        for (int i = 0; i < n; i++) mean += x[i][j] / n;
        for (int i = 0; i < n; i++) var += (x[i][j] - mean) * (x[i][j] - mean) / n;
        invStd[j] = 1 / Math.sqrt(var + 1e-5);
        for (int i = 0; i < n; i++) {
            xhat[i][j] = (x[i][j] - mean) * invStd[j];
            out[i][j] = gamma[j] * xhat[i][j] + beta[j];
        }
        runningMean[j] = 0.9 * runningMean[j] + 0.1 * mean;
        runningVar[j] = 0.9 * runningVar[j] + 0.1 * var * n / (n - 1);
    }
    return out;
}

/** Inference: normalises x by the running statistics. */
double[][] batchNormInfer(double[][] x, double[] gamma, double[] beta, double[] runningMean, double[] runningVar) {
    double[][] out = new double[x.length][x[0].length];
    for (int i = 0; i < x.length; i++) {
        for (int j = 0; j < x[0].length; j++) {
            out[i][j] = gamma[j] * (x[i][j] - runningMean[j]) / Math.sqrt(runningVar[j] + 1e-5) + beta[j];
        }
    }
    return out;
}

// %% md
// ### The backward, derived on the graph
//
// At inference `μ_run` and `σ²_run` are constants and the backward is one line, `dx = γ dout / √(σ²_run + ε)`.
// In training `μ` and `σ²` are computed from `x` as well, so `x` reaches the loss along three paths: directly
// through `x − μ`, through `μ`, and through `σ²`. The graph makes them visible. Here is batch norm of one
// batch `[4, 2]` built from the engine's elementary ops, with each value and, after `backward`, each
// gradient (`L = Σ dout · y` as before):

// %%
double[][] bx = randomRows(4, 2), bdout = randomRows(4, 2);
double[] bgamma = {1.5, 0.5}, bbeta = {0.1, -0.2};
var bg = new ComputationalGraph();
var bcx = bg.variable(tensor(bx), "x");
var mu = bg.mean(bcx, 0, true).named("μ");
var centred = bg.subtract(bcx, mu, "c = x − μ");
var variance = bg.mean(bg.square(centred), 0, true).named("σ²");
var s = bg.pow(bg.sum(variance, bg.constant(1e-5)), -0.5, "s = 1/√(σ² + ε)");
var xhat = bg.multiply(centred, s, "x̂ = c·s");
var bgam = bg.variable(Tensor.vector(bgamma), "γ");
var bbet = bg.variable(Tensor.vector(bbeta), "β");
var by = bg.sum(bg.multiply(xhat, bgam), bbet, "y");
var bloss = bg.reduceSum(bg.multiply(by, bg.constant(tensor(bdout), "dout"))).named("L");
var bctx = new SimulationContext().forward(bg).backward(bg, bloss);
show(bg, bctx);

// %% md
// Walk it from `L` back up to `x`, one node at a time, for one feature (sums over the batch, `i = 1..N`):
//
// 1. `y = γ x̂ + β`: `dβ = Σ_i dout_i`, `dγ = Σ_i dout_i x̂_i`, and `dx̂_i = γ dout_i`.
// 2. `x̂ = c · s`: `c_i` reaches `x̂_i` only, `dc_i = dx̂_i s` (first share); `s` reaches every `x̂_i`,
//    `ds = Σ_i dx̂_i c_i`.
// 3. `s = (σ² + ε)^{−1/2}`: `dσ² = ds · (−½)(σ² + ε)^{−3/2} = −½ ds s³`.
// 4. `σ² = (1/N) Σ c_i²`: each `c_i` gets a second share, `dc_i += dσ² · 2 c_i / N`.
// 5. `c = x − μ`: `x_i` gets `dc_i` (the direct path), and `μ` gets `dμ = −Σ_i dc_i`.
// 6. `μ = (1/N) Σ x_i`: each `x_i` gets `dμ / N` more.
//
// So `dx_i = dc_i + dμ/N`, with `dc_i` the sum of its two shares. The engine's `cg.batchNorm` is one op
// that does all of this at once; its `dx` is the same as this graph's:

// %%
{
    var fused = new ComputationalGraph();
    var fx = fused.variable(tensor(bx), "x");
    var fy = fused.batchNorm(fx, fused.variable(Tensor.vector(bgamma), "γ"), fused.variable(Tensor.vector(bbeta), "β"),
            fused.constant(Tensor.zeros(2), "running mean"), fused.constant(Tensor.ones(2), "running variance"));
    var floss = fused.reduceSum(fused.multiply(fy, fused.constant(tensor(bdout), "dout")));
    var fctx = new SimulationContext().training(true).forward(fused).backward(fused, floss);
    System.out.printf("dx of the graph above and of cg.batchNorm (training): largest difference %.2g%n",
            largestDifference(bctx.gradient(bcx).toArray(), fctx.gradient(fx).toArray()));
}

// %% md
// ## Exercise 3: batch norm's backward
//
// Complete `batchNormBackward` for training: from `dout` `[n, d]`, the forward's `x̂` and `invStd` (`s`
// above, one per feature) and `γ`, write `dL/dx` into `dx`, `dL/dγ` into `dgamma` and `dL/dβ` into
// `dbeta` (zeros on arrival). `c_i = x̂_i / s`, so you need not keep `x`. Follow the six steps; the whole
// can be simplified to one formula per element, but the steps are enough. The check compares your three
// gradients with `cg.batchNorm`'s in a training pass, on random batches.

// %% exercise points=3
void batchNormBackward(double[][] dout, double[][] xhat, double[] gamma, double[] invStd,
                       double[][] dx, double[] dgamma, double[] dbeta) {
    int n = dout.length, d = dout[0].length;
    // BEGIN SOLUTION
    for (int j = 0; j < d; j++) {
        double sumDout = 0, sumDoutXhat = 0;
        for (int i = 0; i < n; i++) {
            sumDout += dout[i][j];
            sumDoutXhat += dout[i][j] * xhat[i][j];
        }
        dbeta[j] = sumDout;
        dgamma[j] = sumDoutXhat;
        for (int i = 0; i < n; i++) {
            dx[i][j] = gamma[j] * invStd[j] / n * (n * dout[i][j] - sumDout - xhat[i][j] * sumDoutXhat);
        }
    }
    // END SOLUTION
    // STUDENT: // your code here
}

// %%
// Check: your dx, dγ and dβ against the engine's batchNorm in a training pass, on random batches.
LayersByHandChecks.batchNormBackward((dout, xh, g, inv, dx, dgam, dbet) -> batchNormBackward(dout, xh, g, inv, dx, dgam, dbet));

// %% md
// And against finite differences of `batchNormTrain` (which moves the batch's statistics with `x`, as
// training does), on a batch of 6 examples and 3 features; then inference with the running statistics
// after some training batches, against the engine's `cg.batchNorm` in an inference pass:

// %%
{
    double[][] nx = randomRows(6, 3), ndout = randomRows(6, 3), nxhat = new double[6][3];
    double[] ngamma = {1.2, 0.7, -0.4}, nbeta = {0.3, 0, 0.5}, ninv = new double[3];
    batchNormTrain(nx, ngamma, nbeta, new double[3], new double[3], nxhat, ninv);
    double[][] ndx = new double[6][3];
    double[] ndg = new double[3], ndb = new double[3];
    batchNormBackward(ndout, nxhat, ngamma, ninv, ndx, ndg, ndb);
    double[][] numeric = numericGradient(x -> batchNormTrain(x, ngamma, nbeta, new double[3], new double[3], new double[6][3],
            new double[3]), nx, ndout);
    var ng = new ComputationalGraph();
    var ncx = ng.variable(tensor(nx), "x");
    var nrm = ng.constant(Tensor.zeros(3), "running mean");
    var nrv = ng.constant(Tensor.ones(3), "running variance");
    var ny = ng.batchNorm(ncx, ng.variable(Tensor.vector(ngamma), "γ"), ng.variable(Tensor.vector(nbeta), "β"), nrm, nrv);
    var nloss = ng.reduceSum(ng.multiply(ny, ng.constant(tensor(ndout), "dout")));
    var nctx = new SimulationContext().training(true).forward(ng).backward(ng, nloss);
    System.out.printf("batch norm, training: largest difference from the engine %.2g, from the numeric gradient %.2g%n",
            largestDifference(flat(ndx), nctx.gradient(ncx).toArray()), largestDifference(flat(ndx), flat(numeric)));

    // running statistics: 20 training batches from the same distribution (mean 2, standard deviation 3), mine and the engine's
    double[] myMean = new double[3], myVar = {1, 1, 1};
    var ig = new ComputationalGraph();
    var ix = ig.input("x");
    var irm = ig.constant(Tensor.zeros(3), "running mean");
    var irv = ig.constant(Tensor.ones(3), "running variance");
    var iy = ig.batchNorm(ix, ig.constant(Tensor.vector(ngamma), "γ"), ig.constant(Tensor.vector(nbeta), "β"), irm, irv);
    for (int b = 0; b < 20; b++) {
        double[][] xb = randomRows(32, 3);
        for (double[] row : xb) for (int j = 0; j < 3; j++) row[j] = 2 + 3 * row[j];
        batchNormTrain(xb, ngamma, nbeta, myMean, myVar, new double[32][3], new double[3]);
        new SimulationContext().training(true).forward(ig, Map.of(ix, tensor(xb)), iy);
    }
    System.out.println("running mean, mine:       " + Arrays.toString(Arrays.stream(myMean).map(v -> Math.round(v * 1e4) / 1e4).toArray()));
    System.out.println("running mean, the engine: " + Arrays.toString(Arrays.stream(irm.value().toArray()).map(v -> Math.round(v * 1e4) / 1e4).toArray()));
    System.out.println("running variance, mine:       " + Arrays.toString(Arrays.stream(myVar).map(v -> Math.round(v * 1e4) / 1e4).toArray()));
    System.out.println("running variance, the engine: " + Arrays.toString(Arrays.stream(irv.value().toArray()).map(v -> Math.round(v * 1e4) / 1e4).toArray()));
    double[][] one = {{2, 2, 2}};
    System.out.printf("batch norm, inference on one example: largest difference from the engine %.2g%n",
            largestDifference(flat(batchNormInfer(one, ngamma, nbeta, myMean, myVar)),
                    new SimulationContext().forward(ig, Map.of(ix, tensor(one)), iy).value(iy).toArray()));
}

// %% md
// Your backward agrees with the engine's to 6.7·10⁻¹⁶, and with the numeric gradient of `batchNormTrain`
// to 1.4·10⁻¹⁰. After 20 training batches of mean 2 and standard deviation 3 (variance 9), the running means
// are 1.57 to 1.84 and the running variances 8.0 to 8.3, the same in both implementations to the printed
// digits: `1 − 0.9²⁰ = 88 %` of the way from their starting values 0 and 1 towards 2 and 9, as momentum 0.1
// makes them (the rest is the noise of 32-example batches). A single example at inference, `[2, 2, 2]`,
// has no batch statistics of its own; it is normalised by the running ones, and our inference gives the
// engine's output exactly.
//
// **In PyTorch** these layers are `nn.Linear`, `F.relu`, `nn.Dropout(p)` and `nn.BatchNorm1d(d)` (momentum
// 0.1, ε 10⁻⁵, the running variance unbiased, as here); `model.train()` and `model.eval()` switch dropout and
// batch norm between training and inference, as `SimulationContext.training(true)` does. A layer of your
// own with a hand-written backward is a `torch.autograd.Function`, as in notebook 5b:
//
// ```python
// class BatchNormFn(torch.autograd.Function):
//     @staticmethod
//     def forward(ctx, x, gamma, beta, eps=1e-5):
//         mu, var = x.mean(0), x.var(0, unbiased=False)
//         inv_std = (var + eps).rsqrt()
//         xhat = (x - mu) * inv_std
//         ctx.save_for_backward(xhat, gamma, inv_std)
//         return gamma * xhat + beta
//
//     @staticmethod
//     def backward(ctx, dout):
//         xhat, gamma, inv_std = ctx.saved_tensors
//         ...  # your batchNormBackward, on whole tensors
// ```
