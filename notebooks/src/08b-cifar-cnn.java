// expect: image/png
// expect: image/svg+xml
// expect: text: CNN test accuracy:
// %% md
// # 8b · Batch normalization and a CNN on CIFAR-10
//
// **What you will learn**
// - batch normalization: normalise each channel with the batch's statistics in training and with running
//   statistics at inference, then scale and shift by learned γ and β;
// - what it does to training, on the same small network with and without it;
// - a CNN with batch norm that beats notebook 7's MLP on CIFAR-10 photos;
// - what the trained network's first layer looks for, and what it makes of one photo.
//
// The exercise: batch normalization's forward pass by hand.
// %%
import org.deeptoy.kernel.render.*;
import tech.tablesaw.api.*;

boolean quick = Course.quick();
Split cifar = Datasets.cifar10();
Dataset train = quick ? cifar.train().first(1000) : cifar.train();
Dataset test = quick ? cifar.test().first(500) : cifar.test();
List<String> names = test.classNames();
System.out.println(train + "\n" + test);
// %% md
// ## Batch normalization
// Deep networks train slowly when the values flowing into a layer drift in scale while the layers before
// it learn: each layer keeps chasing a moving input. Batch normalization (Ioffe & Szegedy, 2015) puts
// each channel back to mean 0 and variance 1, then lets the network choose the scale and shift it wants.
// For a batch of `N` examples and one channel `c` (of a conv layer: all `N × H × W` values of that channel;
// of a dense layer: the `N` values of that unit):
//
// $$\mu_c = \frac{1}{m}\sum x, \qquad \sigma_c^2 = \frac{1}{m}\sum (x - \mu_c)^2, \qquad
//   \hat x = \frac{x - \mu_c}{\sqrt{\sigma_c^2 + \varepsilon}}, \qquad y = \gamma_c\, \hat x + \beta_c$$
//
// with `m` the number of values summed and ε = 10⁻⁵. γ and β are learned like weights (they start at 1
// and 0). The gradient flows through μ and σ² too: every example's output depends on the whole batch.
//
// **Training and inference differ.** At inference there may be one photo, not a batch, and a photo's class
// must not depend on which other photos come with it. So in training each batch also updates running
// averages, `μ_run ← 0.9 μ_run + 0.1 μ_c` (and the same for σ²), and inference normalises with
// `μ_run` and `σ²_run` instead. As with dropout in notebook 6b, the mode lives in the `SimulationContext`:
// `fit` trains with `training(true)`, `score` and `predict` run in inference mode, and the graph picture
// says which mode an op ran in. A tiny network, one batch of 3 examples, in training mode:
// %%
Mlp tiny = Mlp.builder().layers(4, 3, 2).batchNorm(true).seed(1).build();
Tensor threeExamples = Tensor.randomNormal(5, 3, 4);
SimulationContext trainingRun = new SimulationContext().training(true);
trainingRun.forward(tiny.graph(), Map.of(tiny.input(), threeExamples, tiny.labels(), Tensor.vector(0, 1, 0)));
show(tiny.graph(), trainingRun);
// %% md
// In training mode `batchNorm` gets the hidden layer's sums `x·W1 + b1` (3 examples × 3 units, before the
// relu) and returns each column with mean 0 and variance 1 across the three examples (γ = 1, β = 0 before
// training): the first unit's 1.01 becomes 1.29. The running mean and
// variance are inputs of the op, shown as constants. The same network on the same three examples in
// inference mode:
// %%
SimulationContext inferenceRun = new SimulationContext();
inferenceRun.forward(tiny.graph(), Map.of(tiny.input(), threeExamples, tiny.labels(), Tensor.vector(0, 1, 0)));
show(tiny.graph(), inferenceRun);
// %% md
// Now the op says "inference mode" and uses the running statistics. The training pass above moved them a
// tenth of the way from their start (mean 0, variance 1) towards that batch's statistics, so here the
// hidden values pass almost unchanged (1.01 stays 1.01). After training they
// hold the average statistics of the training batches, and inference normalises a single photo the way
// training normalised a typical batch.
//
// **In PyTorch** the mode belongs to the network, not to a context: `train()` and `eval()` switch every batch
// norm and dropout layer inside it.
//
// ```python
// import torch
// from torch import nn
// tiny = nn.Sequential(nn.Linear(4, 3), nn.BatchNorm1d(3), nn.ReLU(), nn.Linear(3, 2))
// x = torch.randn(3, 4)
// tiny.train()
// tiny(x)          # the batch's statistics; running_mean and running_var move a tenth of the way
// tiny.eval()
// tiny(x)          # the running statistics
// tiny[1].running_mean, tiny[1].running_var, tiny[1].weight, tiny[1].bias    # μ_run, σ²_run, γ, β
// ```
//
// `nn.BatchNorm1d(3)` starts with DeepToy's settings: ε = 10⁻⁵, and `momentum=0.1`, PyTorch's name for the
// share of the new batch (the 0.1 of `0.9 μ_run + 0.1 μ_c`). A forgotten `model.eval()` before testing is a
// common PyTorch bug: each test batch is then normalised with its own statistics, and the running ones keep
// moving.
//
// ## What batch norm does to training
// The same small CNN, `conv(16) → pool → conv(32) → pool → dense(64)`, twice: once plain and once with
// batch norm after each conv and the dense layer. Both train for two epochs on 10 000 photos with Adam at a
// high learning rate (0.003). The chart shows the loss of every batch, averaged over 20 batches:
// %%
Dataset few = quick ? train.first(1000) : train.first(10000);
Scaler pixels = Scaler.standardizePerChannel(train);
Cnn small(boolean norm) {
    Cnn.Builder b = Cnn.builder().input(3, 32, 32).classes(10).seed(1).conv(16, 3);
    if (norm) b.batchNorm();
    b.pool(2).conv(32, 3);
    if (norm) b.batchNorm();
    b.pool(2).dense(64);
    if (norm) b.batchNorm();
    Cnn cnn = b.build();
    cnn.scaler(pixels);
    return cnn;
}
double[] smoothed(List<Double> losses, int window) {
    double[] s = new double[losses.size() / window];
    for (int i = 0; i < s.length; i++) for (int k = 0; k < window; k++) s[i] += losses.get(i * window + k) / window;
    return s;
}
var lossCurves = new LinkedHashMap<String, double[]>();
var smallTable = new LinkedHashMap<String, Double>();
for (boolean norm : new boolean[] {false, true}) {
    Cnn net = small(norm);
    History h = net.fit(few, new FitOptions().epochs(2).batchSize(64).optimizer(new Adam(3e-3)).seed(7).live(false));
    String name = norm ? "with batch norm" : "plain";
    lossCurves.put(name, smoothed(h.batchLosses(), 20));
    smallTable.put(name, net.score(test));
    System.out.println(String.format("%s: %.0f s, test accuracy %.4f", name, h.totalSeconds(), smallTable.get(name)));
}
Charts.curves("Training loss (mean of 20 batches)", "batches / 20", "loss", lossCurves)
// %% md
// Over its first 20 batches the plain network's loss averages 3.7, worse than the 2.3 (ln 10) of a uniform
// guess among 10 classes: at this learning rate its first steps overshoot. With batch norm the same
// batches average 2.1, and the loss stays below the plain one all the way, ending near 1.1 against 1.5.
// The printed test accuracies after two epochs say the same (0.575 against 0.457 in full mode). Batch norm also lets a network
// use larger learning rates without diverging, and it regularizes a little: an example's output depends on
// the random batch it came with, a kind of noise.
//
// ## A CNN for CIFAR-10
// Three blocks of `conv 3 × 3 → relu → batch norm → max-pool`, with 16, 32 and 64 filters: the photo
// shrinks 32 → 16 → 8 → 4 while the channels grow, then a dense layer of 128 units and the 10 scores.
// Inputs are standardised per colour channel. Adam at 0.002, the learning rate × 0.3 after each 2 epochs.
//
// Batch norm sits after the relu here, and before it in the MLP above (`x·W1 + b1 → batch norm → relu`).
// Both placements are in use: the batch norm paper normalised the sums before the non-linearity; many
// later networks normalise after it, so the next layer gets inputs of mean 0 and variance 1. Which trains
// better varies from network to network. `Cnn.builder()` puts batch norm where `.batchNorm()` is called,
// after the conv and its relu; `Mlp.builder().batchNorm(true)` puts it before each activation.
// %%
Cnn cnn = Cnn.builder().input(3, 32, 32)
        .conv(16, 3).batchNorm().pool(2)
        .conv(32, 3).batchNorm().pool(2)
        .conv(64, 3).batchNorm().pool(2)
        .dense(128).classes(10).seed(1).build();
cnn.scaler(pixels);
System.out.println(cnn);
// %% md
// ## Training
// Each epoch is 782 batches of 64 photos. Three epochs take one and a half to two minutes on two cores when
// nothing else runs (83–108 s over our runs; a machine shared with other work takes longer). The cell shows a
// live progress bar and loss curve.
// %%
int epochs = quick ? 1 : 3;
History history = cnn.fit(train, new FitOptions().epochs(epochs).batchSize(64)
        .optimizer(new Adam(2e-3).schedule(Schedule.step(2, 0.3))).seed(7));
double accuracy = cnn.score(test);
System.out.println(String.format("CNN test accuracy: %.4f after %d epochs, %.0f s of training", accuracy, epochs,
        history.totalSeconds()));
// %%
// Notebook 7's results on the same 10 000 test photos (full mode): linear SVM 0.4090, MLP 3072-512-10 0.5758.
Table.create("CIFAR-10, 10 000 test photos", StringColumn.create("model", "linear SVM (notebook 7)", "MLP 3072-512-10 (notebook 7)", "CNN with batch norm"),
        DoubleColumn.create("test accuracy", 0.4090, 0.5758, Math.round(accuracy * 10000) / 10000.0),
        IntColumn.create("parameters", 30730, 1578506, (int) cnn.parameterCount()))
// %% md
// After three epochs the CNN classifies about 74 % of the test photos right (0.7359 in full mode), against
// the MLP's 58 %, with a tenth of the MLP's parameters. A filter's few weights are used at every position,
// so a pattern learnt in one place is found in all others, and the pools let later layers see wider parts
// of the photo. The training loss is still falling at the end of the third epoch: more epochs (and
// wider layers) gain more, at the cost of waiting.
//
// **In PyTorch** the same network; `padding=1` keeps a 3 × 3 convolution's output at its input's size, as
// DeepToy's convolutions do, and each block is conv → ReLU → batch norm → max-pool as here:
//
// ```python
// from torchvision import transforms
// def block(c_in, c_out):
//     return [nn.Conv2d(c_in, c_out, 3, padding=1), nn.ReLU(), nn.BatchNorm2d(c_out), nn.MaxPool2d(2)]
// cnn = nn.Sequential(*block(3, 16), *block(16, 32), *block(32, 64),       # 32 → 16 → 8 → 4 pixels
//                     nn.Flatten(), nn.Linear(64 * 4 * 4, 128), nn.ReLU(), nn.Linear(128, 10))
// normalize = transforms.Normalize((0.4914, 0.4822, 0.4465), (0.2470, 0.2435, 0.2616))   # per colour channel
// opt = torch.optim.Adam(cnn.parameters(), lr=2e-3)
// schedule = torch.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.3)
// # 3 epochs over batches of 64 (notebook 7's loop with nn.CrossEntropyLoss): cnn.train() before them,
// # cnn.eval() and torch.no_grad() while scoring the test photos
// ```
//
// `cnn[0].weight` is `[16, 3, 3, 3]`, the layout of `K1` below, and `cnn[:2](x)` (the first conv and its ReLU)
// gives the feature maps shown after it. `Normalize` with these figures is what `Scaler.standardizePerChannel`
// does: each colour channel shifted and scaled by its mean and standard deviation over the training photos.
// %% md
// ## Looking inside: the first layer's filters
// The 16 filters `K1` `[16, 3, 3, 3]` of the first conv layer, each a 3 × 3 patch of red, green and blue
// weights, drawn as a colour picture. Each filter is stretched on its own, one scale for its 27 weights:
// its smallest weight gives that colour channel nothing, its largest full brightness. So a pixel's hue says
// which colours that pixel weighs more than the others (green: the green weight above the red and blue
// ones), and a grey pixel has three equal weights, whatever their value; where a weight of 0 falls between
// dark and bright differs from filter to filter.
// %%
Tensor k1 = cnn.graph().find("K1").value();
System.out.println("K1 " + Arrays.toString(k1.shape()));
Images.grid(k1, 8, null, Images.Options.defaults().scaling(Images.Scaling.PER_IMAGE).zoom(16))
// %% md
// At 3 × 3 pixels there is little room for shape, and the 16 filters show mostly **colour**: each is a
// patchwork of a few strong hues, often opposite ones side by side (green next to magenta, blue next to
// yellow), so it answers most where one colour meets the other, or to one hue wherever it is. None is a clean
// oriented edge like the large first-layer filters of big networks trained for days; the shapes are built
// by the later layers, which combine these 16 maps over wider and wider windows.
//
// ## Looking inside: feature maps
// One test photo and what the first layer makes of it: the 16 maps after `conv → relu`, bright where the
// filter's pattern is present.
// %%
int which = 3;
Tensor photo = test.x().rows(which, which + 1);
ComputationalGraph fg = new ComputationalGraph();
Connection maps = fg.relu(fg.sum(fg.conv2d(fg.constant(pixels.apply(photo).reshape(1, 3, 32, 32)), fg.constant(k1), 1, 1),
        fg.constant(cnn.graph().find("c1").value())));
Tensor featureMaps = new SimulationContext().forward(fg).value(maps).reshape(16, 32, 32);
System.out.println("photo " + which + ": " + names.get(test.labels()[which]));
display(Images.photos(photo, 1, new String[] {names.get(test.labels()[which])},
        Images.Options.defaults().scaling(Images.Scaling.BYTE).zoom(4)));
Images.grid(featureMaps, 8, null, Images.Options.defaults().scaling(Images.Scaling.PER_IMAGE).zoom(2))
// %% md
// Here structure does show. Several maps trace the airplane's outline, its lower edge and nose brightest;
// others pick up the lines of text above it (the photo is of a printed cover) and the border at the
// bottom; a few light up the pale background around the plane and stay dark on the plane itself. Each map
// answers, at every pixel, how much that filter's colour pattern is there; the next conv layer reads all 16
// at once.
//
// ## Exercise
// **1. Batch norm by hand.** Write batch normalization's training-mode forward pass for a batch `x`
// `[N, C]` (N examples, C features), without γ and β: each column minus its mean over the batch, divided by
// `√(σ² + ε)` with σ² that column's variance over the batch and ε = 1e-5. Return a new tensor of the same
// shape (`x.get(i, j)` reads a value, `Tensor.wrap(double[] values, n, c)` makes one).
// %% exercise points=2
Tensor normalize(Tensor x) {
    // BEGIN SOLUTION
    int n = x.dim(0), c = x.dim(1);
    double[] y = new double[n * c];
    for (int j = 0; j < c; j++) {
        double mean = 0, var = 0;
        for (int i = 0; i < n; i++) mean += x.get(i, j) / n;
        for (int i = 0; i < n; i++) var += (x.get(i, j) - mean) * (x.get(i, j) - mean) / n;
        for (int i = 0; i < n; i++) y[i * c + j] = (x.get(i, j) - mean) / Math.sqrt(var + 1e-5);
    }
    return Tensor.wrap(y, n, c);
    // END SOLUTION
    // STUDENT: return x; // your code here
}
// %%
// Check: your function against cg.batchNorm in training mode (γ = 1, β = 0) on three batches.
CifarCnnChecks.batchNorm(x -> normalize(x));
