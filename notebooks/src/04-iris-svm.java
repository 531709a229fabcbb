// expect: image/png
// expect: text/html
// expect: image/svg+xml
// expect: text: test accuracy:
// expect: text: mean test accuracy over
// %% md
// # 4 · Iris with a linear SVM
//
// **What you will learn**
// - how a small labelled dataset looks as a table and as a scatter plot;
// - the multiclass hinge loss (Weston–Watkins, margin 1): the math, a worked example, and its graph;
// - training a linear SVM with mini-batch SGD and reading its loss curve;
// - what "linear" means, seen as decision regions on two features;
// - why we measure accuracy on flowers the model never saw (a held-out split).
//
// At the end you write the hinge loss and one SGD step yourself, and a check cell compares them with DeepToy's own.
// %%
import org.deeptoy.kernel.render.*;
import tech.tablesaw.api.*;

boolean quick = Course.quick();
Dataset iris = Datasets.iris();
iris
// %% md
// ## The data
// 150 flowers, 50 of each species (*setosa*, *versicolor*, *virginica*), each measured four times in
// centimetres. `iris.x()` is a tensor `[150, 4]`, `iris.labels()` the species as 0, 1, 2. A Tablesaw table
// shows them together:
// %%
String[] features = {"sepal_length", "sepal_width", "petal_length", "petal_width"};
Table table = Table.create("Iris");
for (int c = 0; c < 4; c++) {
    double[] column = new double[iris.size()];
    for (int i = 0; i < iris.size(); i++) column[i] = iris.x().get(i, c);
    table.addColumns(DoubleColumn.create(features[c], column));
}
String[] species = new String[iris.size()];
for (int i = 0; i < iris.size(); i++) species[i] = iris.className(iris.labels()[i]);
table.addColumns(StringColumn.create("species", species));
table
// %% md
// Two features at a time can be plotted. The petals separate the species best: *setosa* stands apart,
// *versicolor* and *virginica* touch.
// %%
double[] petalLength = new double[iris.size()], petalWidth = new double[iris.size()];
for (int i = 0; i < iris.size(); i++) {
    petalLength[i] = iris.x().get(i, 2);
    petalWidth[i] = iris.x().get(i, 3);
}
Charts.scatter("Iris petals", "petal length (cm)", "petal width (cm)", petalLength, petalWidth, iris.labels(), iris.classNames())
// %% md
// ## The multiclass hinge loss
// A linear classifier gives each class a score, `s = x·W + b` (one row of `k` scores per flower). It
// should give the right class `y` the highest score **by a margin of 1**. The Weston–Watkins hinge loss
// charges every wrong class `j` for the amount it comes closer than that:
//
// $$L_i = \sum_{j \neq y_i} \max(0,\; s_{ij} - s_{i y_i} + 1), \qquad L = \frac{1}{n}\sum_i L_i$$
//
// A wrong class already more than 1 below the right one costs nothing; once the margin is met,
// the loss stops pushing. A worked example with three examples and three classes (true classes 0, 1, 2):
//
// | scores | true | terms | $L_i$ |
// |---|---|---|---|
// | 3.2, 5.1, −1.7 | 0 | max(0, 5.1 − 3.2 + 1) + max(0, −1.7 − 3.2 + 1) = 2.9 + 0 | 2.9 |
// | 1.3, 4.9, 2.0 | 1 | max(0, 1.3 − 4.9 + 1) + max(0, 2.0 − 4.9 + 1) = 0 + 0 | 0 |
// | 2.2, 2.5, −3.1 | 2 | max(0, 2.2 + 3.1 + 1) + max(0, 2.5 + 3.1 + 1) = 6.3 + 6.6 | 12.9 |
//
// The mean is (2.9 + 0 + 12.9) / 3 = 5.27. DeepToy's `cg.multiclassHinge` computes the same:
// %%
ComputationalGraph cg = new ComputationalGraph();
Connection scores = cg.variable(Tensor.matrix(new double[] {3.2, 5.1, -1.7}, new double[] {1.3, 4.9, 2.0},
        new double[] {2.2, 2.5, -3.1}), "scores");
Connection labels = cg.constant(Tensor.vector(0, 1, 2), "labels");
Connection hinge = cg.multiclassHinge(scores, labels, "hinge");
SimulationContext ctx = new SimulationContext().forward(cg);
System.out.println(String.format("hinge loss: %.4f", ctx.value(hinge).item()));
ctx.backward(cg, hinge);
show(cg, ctx);
// %% md
// The picture shows each value (green) and, after `backward`, each gradient (red, `∂L`).
// The gradient says how each score should move. Every violated margin adds `1/n` to the wrong class's
// score gradient and takes `1/n` from the right one's, so a step *against* the gradient lowers the
// wrong scores and raises the right one. The second example meets every margin: its row is zero.
// %%
ctx.gradient(scores)
// %% md
// **In PyTorch** this loss is `nn.MultiMarginLoss` (margin 1 by default), with one difference: it also
// divides each example's sum by the number of classes, so the factor 3 below gives DeepToy's figure:
//
// ```python
// import torch
// from torch import nn
// scores = torch.tensor([[3.2, 5.1, -1.7], [1.3, 4.9, 2.0], [2.2, 2.5, -3.1]], requires_grad=True)
// labels = torch.tensor([0, 1, 2])
// hinge = 3 * nn.MultiMarginLoss()(scores, labels)   # 5.2667, as above (the mean over the 3 examples)
// hinge.backward()
// scores.grad                                        # the same [3, 3] gradient as above
// ```
//
// The labels are a tensor of integer class indices (`int64`), the scores `float32` (PyTorch's default; DeepToy's
// is `double`). Without the factor 3 the loss and its gradient are a third of DeepToy's, and so is
// each step at the same learning rate.
//
// ## Training
// The SVM's graph is `scores = x·W + b`, `loss = hinge(scores, labels) + λ·‖W‖²`. We hold out 30% of the
// flowers (seeded, stratified: each species keeps its share) and never train on them. The features are
// standardised (mean 0, variance 1, measured on the training set only), which lets one learning rate suit
// all four. The recipe: λ = 0.01, SGD with momentum 0.9, learning rate 0.01, batches of 16, 200 epochs (a
// fraction of a second).
// Under the cell, `fit` draws a progress bar and one loss chart. The dark line is the mean loss of each
// epoch. The pale "batch loss" line follows the single batches, averaged over groups of consecutive
// batches so that the chart draws at most 400 points: 105 training flowers make 7 batches per epoch (six of
// 16 and a last one of 9), 1400 batches in 200 epochs, so each pale point is the mean of 4 batches. The
// "loss" in the progress line is the loss of the last batch alone, so it jumps more than either line.
// %%
Split split = iris.split(0.3, 1);
LinearSvm svm = LinearSvm.builder().inputs(4).classes(3).l2(1e-2).seed(1).build();
svm.scaler(Scaler.standardize(split.train()));
int epochs = quick ? 100 : 200;
History h = svm.fit(split.train(), new FitOptions().epochs(epochs).batchSize(16)
        .optimizer(new Sgd(0.01).momentum(0.9)).seed(1).verbose(false));
System.out.println(svm + ", " + split.train().size() + " training flowers, " + epochs + " epochs");
// %% md
// The loss falls fast and then flattens near 0.2 (the batch losses scatter around the mean, as each batch
// holds other flowers; the progress line's 0.232 is the last batch of 9 flowers alone): most flowers meet
// their margins, and the remaining loss comes
// from the few *versicolor* / *virginica* that overlap. Now the flowers it never saw:
// %%
double svmAccuracy = svm.score(split.test());
System.out.println(String.format("training accuracy: %.4f", svm.score(split.train())));
System.out.println(String.format("test accuracy: %.4f", svmAccuracy));
// %% md
// 45 test flowers is few: one flower is 2.2 percentage points, and another seed gives another split and a
// somewhat different number. The same recipe on 10 seeded splits (each trained afresh) gives a steadier
// figure, their mean (`bench/targets.sh` computes the same):
// %%
int splits = quick ? 3 : 10;
double[] perSplit = new double[splits];
for (int k = 0; k < splits; k++) {
    Split s = iris.split(0.3, k + 1);
    LinearSvm m = LinearSvm.builder().inputs(4).classes(3).l2(1e-2).seed(1).build();
    m.scaler(Scaler.standardize(s.train()));
    m.fit(s.train(), new FitOptions().epochs(epochs).batchSize(16).optimizer(new Sgd(0.01).momentum(0.9)).seed(k + 1)
            .live(false).verbose(false));
    perSplit[k] = m.score(s.test());
}
System.out.println("test accuracy per split: " + Arrays.stream(perSplit).mapToObj(a -> String.format("%.3f", a)).toList());
System.out.println(String.format("mean test accuracy over %d splits: %.4f", splits, Arrays.stream(perSplit).average().orElse(0)));
// %% md
// Split 1 above happens to score 1.000; over 10 splits the accuracy ranges from 0.933 to 1.000 (three to
// zero flowers wrong of 45), with a mean of 0.971. That mean is the figure to compare recipes with.
//
// **In PyTorch** the same SVM and recipe, with `x_train` the 105 training flowers `[105, 4]` (standardised
// with their own mean and standard deviation, as `Scaler.standardize` does), `y_train` their labels, and
// `x_test`, `y_test` the 45 others (scaled with the training flowers' figures):
//
// ```python
// from torch.utils.data import DataLoader, TensorDataset
// svm = nn.Linear(4, 3)                         # scores = x·Wᵀ + b: nn.Linear keeps W as [3, 4]
// opt = torch.optim.SGD([{"params": [svm.weight], "weight_decay": 0.02},   # 2λ, as d(λ‖W‖²)/dW = 2λW
//                        {"params": [svm.bias]}], lr=0.01, momentum=0.9)
// loader = DataLoader(TensorDataset(x_train, y_train), batch_size=16, shuffle=True)
// hinge = nn.MultiMarginLoss()
// for epoch in range(200):
//     for x, y in loader:                       # 7 batches: six of 16, one of 9
//         opt.zero_grad()
//         loss = 3 * hinge(svm(x), y)
//         loss.backward()
//         opt.step()
// with torch.no_grad():
//     accuracy = (svm(x_test).argmax(dim=1) == y_test).float().mean()
// ```
//
// `weight_decay` adds `0.02 · W` to the weight's gradient inside the optimizer, so `loss` leaves the L2 term
// out (DeepToy's loss includes it); the second group, with no `weight_decay`, keeps the bias free of it, as
// DeepToy's L2 covers the weights only. In Python the split and the scaling usually come from scikit-learn:
// `train_test_split(x, y, test_size=0.3, stratify=y)` and `StandardScaler`.
//
// ## Decision regions
// A linear model splits the feature space with straight lines. To see them we train a second SVM on
// just the two petal features, then ask it for the class at every point of a 100 × 100 grid.
// %%
double[] two = new double[iris.size() * 2];
for (int i = 0; i < iris.size(); i++) {
    two[2 * i] = petalLength[i];
    two[2 * i + 1] = petalWidth[i];
}
Dataset petals = new Dataset("iris petals", Tensor.wrap(two, iris.size(), 2), iris.labels(), iris.classNames());
Split petalSplit = petals.split(0.3, 1);
LinearSvm svm2 = LinearSvm.builder().inputs(2).classes(3).l2(1e-3).seed(1).build();
svm2.scaler(Scaler.standardize(petalSplit.train()));
svm2.fit(petalSplit.train(), new FitOptions().epochs(epochs).batchSize(16).optimizer(new Sgd(0.01).momentum(0.9))
        .seed(1).live(false));
System.out.println(String.format("two features, test accuracy: %.4f", svm2.score(petalSplit.test())));

int steps = 100;
double[] gx = new double[steps], gy = new double[steps];
for (int i = 0; i < steps; i++) {
    gx[i] = 0.5 + i * (7.5 - 0.5) / (steps - 1);  // petal length, cm
    gy[i] = -0.2 + i * (2.8 + 0.2) / (steps - 1); // petal width, cm
}
double[] grid = new double[steps * steps * 2];
for (int i = 0; i < steps; i++) {
    for (int j = 0; j < steps; j++) {
        grid[2 * (i * steps + j)] = gx[j];
        grid[2 * (i * steps + j) + 1] = gy[i];
    }
}
int[] flat = svm2.predict(Tensor.wrap(grid, steps * steps, 2));
int[][] regions = new int[steps][steps];
for (int i = 0; i < steps; i++) System.arraycopy(flat, i * steps, regions[i], 0, steps);
Charts.decisionRegions("Linear SVM on petal length and width", "petal length (cm)", "petal width (cm)",
        gx, gy, regions, petalLength, petalWidth, iris.labels(), iris.classNames())
// %% md
// The boundaries are straight: each is where two class scores are equal, `x·(w_a − w_b) + (b_a − b_b) = 0`.
// The few points on the wrong side of the *versicolor*/*virginica* line are the errors no straight line
// can avoid. Notebook 5 asks whether a curved boundary (an MLP) does better.
//
// ## Exercises
// **1. The hinge loss of one example.** Complete `myHinge(scores, label)`: the sum over the wrong classes
// `j` of `max(0, scores[j] − scores[label] + 1)`.
// %% exercise points=2
double myHinge(double[] scores, int label) {
    // BEGIN SOLUTION
    double loss = 0;
    for (int j = 0; j < scores.length; j++) {
        if (j != label) loss += Math.max(0, scores[j] - scores[label] + 1);
    }
    return loss;
    // END SOLUTION
    // STUDENT: return 0; // your code here
}
// %%
// Check: your hinge against DeepToy's cg.multiclassHinge on random scores.
IrisSvmChecks.hinge((scores, label) -> myHinge(scores, label));
// %% md
// **2. One SGD step.** Training moves each weight against its gradient: `w ← w − lr · grad`. Complete
// `sgdStep` so it returns the new weights (a new array; leave `w` unchanged).
// %% exercise
double[] sgdStep(double[] w, double[] grad, double lr) {
    // BEGIN SOLUTION
    double[] next = new double[w.length];
    for (int i = 0; i < w.length; i++) next[i] = w[i] - lr * grad[i];
    return next;
    // END SOLUTION
    // STUDENT: return w.clone(); // your code here
}
// %%
// Check: your step against DeepToy's Sgd optimizer on the gradient of a hinge loss with random data.
IrisSvmChecks.sgd((w, grad, lr) -> sgdStep(w, grad, lr));
