// expect: image/png
// expect: text: std of the activations, layer by layer
// expect: text: test accuracy
// %% md
// # 6c · Initialisation
//
// Before the first step of training, every weight of a network needs a value. Notebook 6's MLP started
// from random weights of a carefully chosen size, and the engine chose that size without saying so. Here
// we look at what the choice does to a deep network, a 10-layer MLP on MNIST: the values flowing forward
// through its layers, the gradients flowing back, and whether it trains at all.
//
// **You will learn**
// - why all-zero weights never learn (symmetry), why too small weights make signals and gradients vanish
//   and too large ones saturate tanh;
// - the variance argument behind Xavier (tanh) and He (relu) initialisation;
// - where DeepToy chooses the initialisation for you, and how to choose another one.
//
// The exercise: He initialisation of a layer.

// %%
import org.deeptoy.kernel.render.*;
import org.knowm.xchart.*;
import java.util.function.DoubleBinaryOperator;
import java.util.stream.IntStream;

boolean quick = Course.quick();
Split mnist = Datasets.mnist();
Dataset train = mnist.train().stratifiedFirst(quick ? 640 : 5000);
Dataset test = mnist.test().first(quick ? 500 : 2000);

// The standard deviation of all values of a tensor (dividing by their number).
double std(double[] v) {
    double mean = 0, squares = 0;
    for (double x : v) mean += x / v.length;
    for (double x : v) squares += (x - mean) * (x - mean);
    return Math.sqrt(squares / v.length);
}
// One shift and one scale for all pixels: inputs of mean 0 and standard deviation 1.
Scaler scaler = Scaler.of(train.x().mean(), std(train.x().data()));
System.out.println(train + "\n" + test + "\npixels scaled by " + scaler);

// %% md
// ## A deep network and six ways to start it
//
// The network: 784 pixels, then 10 hidden layers of 128 units, then 10 scores and softmax cross-entropy,
// layer `l` computing `h_l = f(h_{l−1}·W_l + b_l)` with `f` tanh or relu. The biases start at 0; every
// weight matrix starts from a normal distribution `N(0, σ²)` whose standard deviation `σ` may depend on the
// layer's number of inputs (fan-in) and outputs (fan-out). `deepNet` builds it as a graph, wraps it in a
// `Classifier` (as notebook 5b did) and keeps the hidden layers' outputs so that we can look at them.

// %%
int width = 128, depth = 10;

// How a net starts: its activation and σ as a function of (fanIn, fanOut).
record Start(String name, boolean relu, DoubleBinaryOperator sigma) {}

// A classifier and the outputs h1 ... h10 of its hidden layers.
record DeepNet(Classifier model, List<Connection> hidden) {}

DeepNet deepNet(Start start, long seed) {
    Random random = new Random(seed);
    var cg = new ComputationalGraph();
    var x = cg.input("x");
    var labels = cg.input("labels");
    var hidden = new ArrayList<Connection>();
    Connection h = x;
    int fanIn = 784;
    for (int l = 1; l <= depth + 1; l++) {
        int fanOut = l <= depth ? width : 10;
        double sigma = start.sigma().applyAsDouble(fanIn, fanOut);
        var W = cg.variable(Tensor.randomNormal(random, 0, sigma, fanIn, fanOut), "W" + l);
        var b = cg.variable(Tensor.zeros(fanOut), "b" + l);
        h = cg.sum(cg.matrixMultiply(h, W), b, l <= depth ? "z" + l : "scores");
        if (l <= depth) {
            h = start.relu() ? cg.relu(h, "h" + l) : cg.tanh(h, "h" + l);
            hidden.add(h);
        }
        fanIn = fanOut;
    }
    var loss = cg.softmaxCrossEntropy(h, labels, "loss");
    return new DeepNet(new Classifier(cg, x, labels, h, loss, new int[] {784}, () -> new Sgd(0.01)), hidden);
}

List<Start> starts = List.of(
        new Start("tanh, zero", false, (in, out) -> 0),
        new Start("tanh, σ = 0.01", false, (in, out) -> 0.01),
        new Start("tanh, σ = 1", false, (in, out) -> 1),
        new Start("tanh, Xavier", false, (in, out) -> Math.sqrt(2 / (in + out))),
        new Start("relu, Xavier", true, (in, out) -> Math.sqrt(2 / (in + out))),
        new Start("relu, He", true, (in, out) -> Math.sqrt(2 / in)));

// %% md
// ## Forward: the activations of each layer
//
// One batch of digits through each of the six nets, before any training. For every hidden layer we keep
// its outputs `h_l` (a batch × 128 numbers) and print their standard deviation; then `backward` from the
// loss gives each layer's gradient `∂L/∂h_l`, which the next picture shows.

// %%
int n = quick ? 200 : 1000;
Dataset batch = train.first(n);
Tensor batchX = scaler.apply(batch.x()).reshape(n, 784);
double[] labelValues = new double[n];
for (int i = 0; i < n; i++) labelValues[i] = batch.labels()[i];
Tensor batchLabels = Tensor.wrap(labelValues, n);

double[][][] activations = new double[starts.size()][depth][], gradients = new double[starts.size()][depth][];
String stds(double[][] layers) {
    StringBuilder sb = new StringBuilder();
    for (double[] v : layers) sb.append(String.format(" %8.2g", std(v)));
    return sb.toString();
}
for (int s = 0; s < starts.size(); s++) {
    DeepNet net = deepNet(starts.get(s), 1);
    Classifier m = net.model();
    var ctx = new SimulationContext().forward(m.graph(), Map.of(m.input(), batchX, m.labels(), batchLabels))
            .backward(m.graph(), m.lossConnection());
    for (int l = 0; l < depth; l++) {
        activations[s][l] = ctx.value(net.hidden().get(l)).data();
        gradients[s][l] = ctx.gradient(net.hidden().get(l)).data();
    }
}
List<String> names = starts.stream().map(Start::name).toList();
List<String> layerNames = IntStream.rangeClosed(1, depth).mapToObj(l -> "layer " + l).toList();
System.out.println(String.format("std of the activations, layer by layer (%d digits):", n));
for (int s = 0; s < starts.size(); s++) System.out.println(String.format("%-15s", names.get(s)) + stds(activations[s]));
Charts.histograms("Activations h1 … h10 of a 10-layer MLP before training, one row per start", names, layerNames, activations)

// %% md
// One row per start, one column per layer; each histogram shows how the 128 000 values of its layer
// (1000 digits × 128 units) spread, on the x range written at the row's end, with their standard deviation
// under it:
// - **zero**: every layer outputs exactly 0, std 0 everywhere. With all weights equal (0 or any other
//   value), every unit of a layer computes the same thing, gets the same gradient and stays equal to its
//   neighbours forever: the **symmetry** that random weights break.
// - **σ = 0.01**: the std shrinks about ninefold per layer, 0.27, 0.030, 0.0033, … down to 7.4e-10 at
//   layer 10: the signal **vanishes**, and from layer 3 on each histogram is a spike at 0. The last layers
//   see nothing of the digit.
// - **σ = 1**: the sums are so large that tanh sits at −1 or +1 (std 0.96–0.98): every unit **saturated**,
//   the two bars at the ends of the range.
// - **tanh, Xavier**: in layer 1 many units sit near ±1 (std 0.70): with 784 inputs and 128 outputs, Xavier's
//   compromise `2 / (784 + 128)` is 1.7 times `1 / 784`, so its sums are wider than its inputs. From layer 2
//   on (128 in, 128 out) the spread settles between 0.52 and 0.23, bell-shaped: every layer passes a signal on.
// - **relu, Xavier**: relu zeroes half of each layer (the bar at 0) and the std halves about every two
//   layers, 0.75 down to 0.037: a slower vanishing. **relu, He** keeps it at 0.79–0.91 in every layer.
//
// ## Backward: the gradients of each layer
//
// The same nets, the gradient of the loss with respect to each layer's output, `∂L/∂h_l`, as `backward`
// left it in the context (the weights' gradients, `∂L/∂W_l = h_{l−1}ᵀ · ∂L/∂z_l`, are made of these and the
// activations above):

// %%
System.out.println(String.format("std of the gradients ∂L/∂h, layer by layer (%d digits):", n));
for (int s = 0; s < starts.size(); s++) System.out.println(String.format("%-15s", names.get(s)) + stds(gradients[s]));
Charts.histograms("Gradients ∂L/∂h1 … ∂L/∂h10 before training, one row per start", names, layerNames, gradients)

// %% md
// Read the rows from layer 10 (where the gradient arrives from the loss) to layer 1:
// - **zero**: all gradients 0 (each is a sum through weights that are 0): nothing can move but the last
//   biases.
// - **σ = 0.01**: 9.9e-06 at layer 10 and ten times smaller at every layer back, 3.1e-14 at layer 1: the
//   gradient **vanishes** on the way back as the signal did on the way forward, so the first layers, the
//   ones that look at the pixels, get no signal to learn from.
// - **σ = 1**: here the gradient *grows* on the way back (0.0013 at layer 10, 5.1 at layer 1: the large
//   weights multiply it by about 2.5 per layer) but it is concentrated in the few units that are not
//   saturated (tanh's derivative `1 − h²` is about 0 at ±1): a spike at 0 with a few huge values.
// - **tanh, Xavier** (4.7e-05 … 1.2e-04) and **relu, He** (1.4e-04 … 1.8e-04) keep the gradient's size
//   within a factor of 2.5 and 1.3 from layer 10 to layer 1; **relu, Xavier** loses a factor of 20 on the way.
//
// ## Why Xavier and He: the variance argument
//
// Take one unit of a layer, `z = Σᵢ wᵢ xᵢ` over its `n_in` inputs, with weights and inputs independent,
// the weights of mean 0. The variance of a sum of independent terms is the sum of their variances, so
//
// $$\operatorname{Var}(z) = n_\text{in}\,\operatorname{Var}(w)\,\mathbb{E}[x^2].$$
//
// **tanh** is close to the identity near 0, so `E[x²] ≈ Var(z)` of the layer before: the variance is
// multiplied by `n_in Var(w)` at every layer. Ten layers multiply it by `(n_in Var(w))¹⁰`: for σ = 0.01 and
// 128 inputs that is `0.0128¹⁰ ≈ 10⁻¹⁹` (vanishing), for σ = 1 it is `128¹⁰` (tanh saturates long before).
// It stays the same when `Var(w) = 1 / n_in`. Backward, `∂L/∂xᵢ = Σⱼ wᵢⱼ ∂L/∂zⱼ` sums over the `n_out`
// units the input feeds, and the same argument asks for `Var(w) = 1 / n_out`. **Xavier** (Glorot and Bengio,
// 2010) takes the compromise
//
// $$\operatorname{Var}(w) = \frac{2}{n_\text{in} + n_\text{out}}.$$
//
// **relu** sets the negative half of its inputs to 0: for a `z` symmetric around 0, `E[relu(z)²] =
// Var(z) / 2`. To keep the variance, each layer must double it back:
//
// $$\operatorname{Var}(w) = \frac{2}{n_\text{in}} \qquad \text{(He et al., 2015)}.$$
//
// The pictures above are this arithmetic: σ = 0.01 multiplies the variance by `128 · 10⁻⁴ = 0.0128` per
// layer (the std by 0.11: 0.27 → 0.030 → 0.0033), Xavier keeps tanh's layers alive, relu with Xavier loses
// half the variance per layer (the std falls by √2 per layer, 0.75 → 0.037 in nine steps) and He puts that
// factor 2 back.
//
// ## Training
//
// Does it matter once training starts? Each of the six nets, trained with the same SGD with momentum
// (η = 0.01, μ = 0.9), batches of 64, on the same digits:

// %%
int epochs = quick ? 1 : 3;
var losses = new LinkedHashMap<String, double[]>();
// The loss of each batch, averaged over `k` batches at a time: a smoother curve.
double[] smooth(List<Double> loss, int k) {
    double[] out = new double[loss.size() / k];
    for (int i = 0; i < out.length; i++) {
        for (int j = 0; j < k; j++) out[i] += loss.get(i * k + j) / k;
    }
    return out;
}
for (Start start : starts) {
    Classifier m = deepNet(start, 1).model();
    m.scaler(scaler);
    History h = m.fit(train, new FitOptions().epochs(epochs).batchSize(64).optimizer(new Sgd(0.01).momentum(0.9))
            .seed(1).live(false));
    losses.put(start.name(), smooth(h.batchLosses(), 5));
    System.out.println(String.format("%-15s loss %6.3f after %d epochs, test accuracy %.4f", start.name(),
            h.last().loss(), epochs, m.score(test)));
}
XYChart training = Charts.curves("Training loss of the six 10-layer MLPs", "batches (×5)", "loss (mean of 5 batches)", losses);
training.getStyler().setYAxisLogarithmic(true);
training

// %% md
// The start decides whether training works at all. After 3 epochs over 5000 digits:
// - **zero** and **σ = 0.01** never leave the loss of a uniform guess over ten digits, ln 10 ≈ 2.302
//   (their curves lie on each other): test accuracy 0.1170, the share of the most frequent digit among the
//   test digits. No gradient reaches the first layers, and momentum cannot amplify a gradient of 10⁻¹⁴.
// - **σ = 1** starts far off (a loss near 20: huge, confident, mostly wrong scores), falls to about 2.35 within
//   some 50 batches and stays there: test accuracy 0.0960, worse than guessing the most frequent digit. The
//   saturated units pass almost no gradient.
// - **tanh, Xavier** (loss 0.165, test accuracy 0.8810), **relu, He** (0.263, 0.8865) train; **relu,
//   Xavier** trains too but more slowly (0.355, 0.8350): its first layers get gradients 20 times smaller.
//
// Normalisation layers (batch norm, notebook 8b) and residual connections make deep networks much less
// sensitive to the start, but the start still sets the first steps, and with plain layers, as here, it
// decides everything.
//
// ## Where DeepToy chooses for you
//
// The layer models choose an initialisation when you do not:
// - `Mlp.builder()` starts its dense layers with He for relu and leaky relu and Xavier for tanh and
//   sigmoid (`Activation.init()`); `.init(Init.XAVIER)` (or `Init.HE`, `Init.SMALL`: N(0, 0.001²))
//   chooses another;
// - `Cnn.builder()` starts its filters and hidden dense layers with He (they are followed by relu) and the
//   last layer, which makes the scores, with Xavier; `.init(Init.XAVIER)` chooses another for the filters
//   and hidden layers;
// - a graph you build yourself starts where you put it: `cg.variable(Tensor.randomNormal(random, 0, σ, …))`.
//
// The standard deviation of the first weight matrix of each, against the formula:

// %%
double w1(Classifier model) {
    return std(model.graph().find(model instanceof Cnn ? "K1" : "W1").value().data());
}
Mlp tanhDefault = Mlp.builder().layers(784, 256, 10).activation(Activation.TANH).seed(1).build();
Mlp tanhHe = Mlp.builder().layers(784, 256, 10).activation(Activation.TANH).init(Init.HE).seed(1).build();
Cnn cnnDefault = Cnn.builder().input(1, 28, 28).conv(16, 5).pool(2).dense(64).classes(10).seed(1).build();
Cnn cnnXavier = Cnn.builder().input(1, 28, 28).conv(16, 5).pool(2).dense(64).classes(10).init(Init.XAVIER).seed(1).build();
System.out.println(String.format("Mlp tanh, default:     W1 std %.4f   Xavier √(2/(784+256)) = %.4f", w1(tanhDefault), Math.sqrt(2.0 / 1040)));
System.out.println(String.format("Mlp tanh, Init.HE:     W1 std %.4f   He √(2/784) = %.4f", w1(tanhHe), Math.sqrt(2.0 / 784)));
System.out.println(String.format("Cnn, default:          K1 std %.4f   He √(2/25) = %.4f", w1(cnnDefault), Math.sqrt(2.0 / 25)));
System.out.println(String.format("Cnn, Init.XAVIER:      K1 std %.4f   Xavier √(2/(25+400)) = %.4f", w1(cnnXavier), Math.sqrt(2.0 / 425)));

// %% md
// (A filter of the first conv layer sees 1 channel × 5 × 5 pixels: fan-in 25; each input pixel feeds
// 16 filters × 5 × 5 positions: fan-out 400.)
//
// **In PyTorch** `nn.Linear` and `nn.Conv2d` start from a uniform distribution with variance
// `1 / (3 n_in)` (`kaiming_uniform_` with `a = √5`), whatever the activation; `torch.nn.init` chooses another:
//
// ```python
// layer = torch.nn.Linear(256, 256)
// torch.nn.init.kaiming_normal_(layer.weight, nonlinearity="relu")  # He: N(0, 2 / fan_in)
// torch.nn.init.xavier_normal_(layer.weight)                         # Xavier: N(0, 2 / (fan_in + fan_out))
// torch.nn.init.zeros_(layer.bias)
// ```
//
// (PyTorch stores `nn.Linear`'s weight as `[out, in]`, the transpose of DeepToy's `W`.)
//
// ## Exercise
//
// **He initialisation.** Complete `heWeights`: the weights `W` of a relu layer with `fanIn` inputs and
// `fanOut` units, shape `[fanIn, fanOut]` (one row per input, as `x·W` needs), drawn with mean 0 and the
// variance He derived above, from the `random` passed in (so that one seed fixes a whole run).
// `Tensor.randomNormal(random, mean, std, shape...)` draws a tensor of normal values. The check calls
// your method for layers of three random sizes and measures the mean and the spread of what it returns.

// %% exercise id=heWeights
Tensor heWeights(Random random, int fanIn, int fanOut) {
    // BEGIN SOLUTION
    return Tensor.randomNormal(random, 0, Math.sqrt(2.0 / fanIn), fanIn, fanOut);
    // END SOLUTION
    // STUDENT: return null; // your code here
}

// %%
InitChecks.he((random, fanIn, fanOut) -> heWeights(random, fanIn, fanOut));
