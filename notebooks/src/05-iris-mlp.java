// expect: image/svg+xml
// expect: image/png
// expect: text/html
// expect: text: test accuracy:
// %% md
// # 5 · Iris with a small MLP
//
// **What you will learn**
// - softmax: turning class scores into probabilities;
// - the cross-entropy loss, and how it differs from the hinge loss of notebook 4;
// - a multilayer perceptron (MLP): a hidden layer with ReLU between two linear maps;
// - comparing two models fairly: the same held-out flowers, and more than one split.
//
// The exercises: cross-entropy for one example (numerically stable), and its gradient.
// %%
import org.deeptoy.kernel.render.*;
import tech.tablesaw.api.*;

boolean quick = Course.quick();
Dataset iris = Datasets.iris();
Split split = iris.split(0.3, 1); // the same 105 / 45 flowers as notebook 4
split
// %% md
// ## Softmax and cross-entropy
// An SVM only asks the right score to win by a margin. A softmax classifier reads the scores as
// log-probabilities: softmax exponentiates them and normalises,
//
// $$p_{ij} = \frac{e^{s_{ij}}}{\sum_k e^{s_{ik}}}, \qquad L = -\frac{1}{n}\sum_i \log p_{i y_i}$$
//
// The cross-entropy `L` is small only when the right class gets almost all the probability, so it never
// stops pushing (the hinge loss is exactly 0 once every margin is met). Subtracting the largest score
// before `exp` changes nothing mathematically and keeps `e^s` from overflowing.
//
// The same three examples as in notebook 4 (hinge loss 5.27):
// %%
ComputationalGraph cg = new ComputationalGraph();
Connection scores = cg.variable(Tensor.matrix(new double[] {3.2, 5.1, -1.7}, new double[] {1.3, 4.9, 2.0},
        new double[] {2.2, 2.5, -3.1}), "scores");
Connection labels = cg.constant(Tensor.vector(0, 1, 2), "labels");
Connection probabilities = cg.softmax(scores, -1, "probabilities");
Connection loss = cg.softmaxCrossEntropy(scores, labels, "crossEntropy");
SimulationContext ctx = new SimulationContext().forward(cg);
ctx.backward(cg, loss);
System.out.println(String.format("cross-entropy: %.4f", ctx.value(loss).item()));
ctx.value(probabilities)
// %% md
// The first example gives its true class only 13% (loss −log 0.13 ≈ 2.04); the second 92% (loss 0.08); the
// third almost nothing (0.2%, loss 6.16). The mean is 2.76. The gradient of the loss with respect to
// the scores is simply `(p − onehot(y)) / n`: every wrong class is pushed down by its probability, the
// right one pulled up by what it lacks.
// %%
ctx.gradient(scores)
// %% md
// **In PyTorch** the same probabilities, loss and gradient:
//
// ```python
// import torch
// import torch.nn.functional as F
// scores = torch.tensor([[3.2, 5.1, -1.7], [1.3, 4.9, 2.0], [2.2, 2.5, -3.1]], requires_grad=True)
// labels = torch.tensor([0, 1, 2])
// torch.softmax(scores, dim=1)              # the probabilities above
// loss = F.cross_entropy(scores, labels)    # 2.7587, the mean over the 3 examples
// loss.backward()
// scores.grad                               # (p − onehot(y)) / 3, as above
// ```
//
// `F.cross_entropy` (and the module `nn.CrossEntropyLoss`) takes the scores, not the probabilities, and
// applies the softmax itself, the stable way, as `softmaxCrossEntropy` does. Handing it probabilities is a
// classic mistake: it runs without an error and applies the softmax twice.
//
// ## A small MLP
// A linear model draws straight boundaries. An MLP first maps the 4 measurements to 16 hidden features
// `h = relu(x·W1 + b1)`, then scores them linearly, `s = h·W2 + b2`. The ReLU makes the map non-linear, so
// the boundaries can bend. Its graph:
// %%
Mlp mlp = Mlp.builder().layers(4, 16, 3).activation(Activation.RELU).l2(1e-2).seed(1).build();
mlp.graph()
// %% md
// Training uses Adam (a per-weight adaptive step) with learning rate 0.01, batches of 16, and the same
// standardisation as the SVM (a fraction of a second). To watch it learn without touching the test
// flowers, `validationSplit(0.2)` holds out a fifth of the training flowers and scores them after every
// epoch; the model trains on the other 84. The live chart is drawn as in notebook 4: the dark line is the
// mean loss per epoch; the pale "batch loss" line is the loss of the batches averaged over groups of
// consecutive batches (at most 400 points: here 6 batches × 100 epochs = 600 batches, so pairs); the
// progress line under it shows the loss of the last batch alone. That batch holds the 4 flowers left over
// after five batches of 16, so one badly scored flower moves it a lot: 0.5071 at the end of this run, while
// the epoch means end near 0.25.
// %%
mlp.scaler(Scaler.standardize(split.train()));
int epochs = quick ? 60 : 100;
History h = mlp.fit(split.train(), new FitOptions().epochs(epochs).batchSize(16).optimizer(new Adam(0.01))
        .validationSplit(0.2).seed(1));
System.out.println(mlp + ", " + epochs + " epochs");
// %% md
// Accuracy per epoch on the flowers it trains on and on the held-out validation flowers. Both rise
// quickly; validation stays close to training, so the small network does not overfit Iris.
// %%
var accuracyCurves = new LinkedHashMap<String, double[]>();
accuracyCurves.put("training", h.accuracy());
accuracyCurves.put("validation", h.validationAccuracy());
Charts.accuracyCurve(accuracyCurves)
// %%
double mlpAccuracy = mlp.score(split.test());
System.out.println(String.format("test accuracy: %.4f", mlpAccuracy));
// %% md
// `predictProba` gives the softmax probabilities; here for the first five test flowers, with their true
// species:
// %%
Dataset five = split.test().first(5);
String[] truth = new String[5];
for (int i = 0; i < 5; i++) truth[i] = five.className(five.labels()[i]);
System.out.println("true species: " + String.join(", ", truth) + "; columns: " + five.classNames());
mlp.predictProba(five.x())
// %% md
// **In PyTorch** the 4-16-3 network and its training, with `x_train`, `y_train` the 84 standardised flowers
// it trains on, `x_val`, `y_val` the 21 that `validationSplit(0.2)` holds out and `x_test` the 45 test flowers:
//
// ```python
// from torch import nn
// from torch.utils.data import DataLoader, TensorDataset
// mlp = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 3))      # scores; the loss adds the softmax
// opt = torch.optim.Adam([{"params": [mlp[0].weight, mlp[2].weight], "weight_decay": 0.02},   # 2λ, λ = 0.01
//                         {"params": [mlp[0].bias, mlp[2].bias]}], lr=0.01)
// loader = DataLoader(TensorDataset(x_train, y_train), batch_size=16, shuffle=True)
// for epoch in range(100):
//     mlp.train()
//     for x, y in loader:
//         opt.zero_grad()
//         F.cross_entropy(mlp(x), y).backward()
//         opt.step()
//     mlp.eval()
//     with torch.no_grad():                 # one point of the validation curve
//         val_accuracy = (mlp(x_val).argmax(dim=1) == y_val).float().mean()
// with torch.no_grad():
//     probabilities = torch.softmax(mlp(x_test[:5]), dim=1)             # as predictProba
// ```
//
// `Adam`'s `weight_decay` adds `0.02 · W` to the gradient, which is what DeepToy's L2 term does (`AdamW`
// instead shrinks the weights apart from the gradient, a different rule). The MLP with dropout compared below
// is `nn.Sequential(nn.Linear(4, 64), nn.ReLU(), nn.Dropout(0.3), nn.Linear(64, 3))`; `mlp.train()` and
// `mlp.eval()` switch its dropout on and off, where DeepToy's `fit` and `score` do that for you.
//
// ## MLP or SVM?
// 45 test flowers decide a single accuracy to within 2.2 points, so one split cannot tell two good models
// apart. We train both on 10 seeded splits and compare the means, with the recipes of `bench/targets.sh`:
// the SVM of notebook 4 (λ = 0.01), and an MLP with a wider hidden layer, 4-64-3, whose hidden units are
// each switched off with probability 0.3 at every training step (*dropout*, explained in notebook 6b: it
// keeps 64 units from fitting the few overlapping flowers too closely).
// %%
int splits = quick ? 3 : 10;
double[] svmAcc = new double[splits], mlpAcc = new double[splits];
for (int k = 0; k < splits; k++) {
    Split s = iris.split(0.3, k + 1);
    LinearSvm svm = LinearSvm.builder().inputs(4).classes(3).l2(1e-2).seed(1).build();
    svm.scaler(Scaler.standardize(s.train()));
    svm.fit(s.train(), new FitOptions().epochs(quick ? 100 : 200).batchSize(16).optimizer(new Sgd(0.01).momentum(0.9))
            .seed(k + 1).live(false));
    svmAcc[k] = svm.score(s.test());
    Mlp m = Mlp.builder().layers(4, 64, 3).dropout(0.3).l2(1e-2).seed(1).build();
    m.scaler(Scaler.standardize(s.train()));
    m.fit(s.train(), new FitOptions().epochs(epochs).batchSize(16).optimizer(new Adam(0.01)).seed(k + 1).live(false));
    mlpAcc[k] = m.score(s.test());
}
double[] seeds = new double[splits];
for (int k = 0; k < splits; k++) seeds[k] = k + 1;
System.out.println(String.format("mean test accuracy over %d splits: SVM %.4f, MLP %.4f",
        splits, Arrays.stream(svmAcc).average().orElse(0), Arrays.stream(mlpAcc).average().orElse(0)));
Table.create("test accuracy per split", DoubleColumn.create("split seed", seeds),
        DoubleColumn.create("linear SVM", svmAcc), DoubleColumn.create("MLP 4-64-3, dropout 0.3", mlpAcc))
// %% md
// On Iris the two tie (both means 0.971, one flower apart on several splits): the species are almost
// linearly separable, so the MLP's bent boundaries gain nothing here, and both miss a few of the same
// *versicolor* / *virginica* flowers. The MLP pays off on harder
// data (MNIST and CIFAR-10, notebooks 6 and 7).
//
// ## Exercises
// **1. Cross-entropy of one example.** Complete `crossEntropy(scores, label)` = `−log softmax(scores)[label]`.
// Make it stable: it must work for scores like 1000, 1001, 999 (subtract the largest score first).
// %% exercise points=2
double crossEntropy(double[] scores, int label) {
    // BEGIN SOLUTION
    double max = Double.NEGATIVE_INFINITY;
    for (double s : scores) max = Math.max(max, s);
    double z = 0;
    for (double s : scores) z += Math.exp(s - max);
    return -(scores[label] - max - Math.log(z));
    // END SOLUTION
    // STUDENT: return 0; // your code here
}
// %%
// Check: your cross-entropy against DeepToy's cg.softmaxCrossEntropy on random scores.
IrisMlpChecks.crossEntropy((scores, label) -> crossEntropy(scores, label));
// %% md
// **2. Its gradient.** Complete `crossEntropyGradient(scores, label)`: the derivative of the loss of one
// example with respect to each score, `p_j − [j == label]` with `p = softmax(scores)`.
// %% exercise points=2
double[] crossEntropyGradient(double[] scores, int label) {
    // BEGIN SOLUTION
    double max = Double.NEGATIVE_INFINITY;
    for (double s : scores) max = Math.max(max, s);
    double z = 0;
    double[] g = new double[scores.length];
    for (int j = 0; j < scores.length; j++) z += (g[j] = Math.exp(scores[j] - max));
    for (int j = 0; j < scores.length; j++) g[j] /= z;
    g[label] -= 1;
    return g;
    // END SOLUTION
    // STUDENT: return new double[scores.length]; // your code here
}
// %%
// Check: your gradient against DeepToy's backward pass through cg.softmaxCrossEntropy.
IrisMlpChecks.gradient((scores, label) -> crossEntropyGradient(scores, label));
