// expect: image/png
// expect: image/svg+xml
// expect: text: best validation accuracy
// expect: text: test accuracy of the chosen model:
// %% md
// # 6b · Generalization: overfitting and four cures
//
// **What you will learn**
// - a validation set: data held out of training to choose between models, so that the test set is used
//   only once, at the end;
// - overfitting, seen on curves: training accuracy climbs towards 100 % while validation accuracy, after
//   a peak, falls;
// - four cures and their math: L2 regularization (and how to choose its strength λ), dropout (with a
//   training and an inference mode), early stopping (keep the weights of the best validation epoch) and
//   more data.
// %%
import org.deeptoy.kernel.render.*;
import org.knowm.xchart.*;
import tech.tablesaw.api.*;
import java.util.stream.IntStream;

boolean quick = Course.quick();
Split mnist = Datasets.mnist();
// Validation digits: the last 10 000 of the training file, which the training digits below do not contain.
int from = mnist.train().size() - (quick ? 1000 : 10000);
int[] last = new int[mnist.train().size() - from];
for (int i = 0; i < last.length; i++) last[i] = from + i;
Dataset validation = mnist.train().subset(last).named("validation");

// The training digits: the first 1000 of the training file (each digit in its share), then one label in
// five replaced by another digit drawn at random. The seed fixes which: every run mislabels the same ones.
double mislabelledShare = 0.2;
Dataset mislabel(Dataset digits, long seed) {
    int[] labels = digits.labels().clone();
    Random random = new Random(seed);
    for (int i = 0; i < labels.length; i++) {
        if (random.nextDouble() < mislabelledShare) labels[i] = (labels[i] + 1 + random.nextInt(9)) % 10; // any other digit
    }
    return new Dataset(digits.name() + ", some mislabelled", digits.x(), labels, digits.classNames());
}
// The examples whose label in `given` differs from the true one.
int[] mislabelled(Dataset given, Dataset truth) {
    return IntStream.range(0, given.size()).filter(i -> given.labels()[i] != truth.labels()[i]).toArray();
}
Dataset clean = mnist.train().stratifiedFirst(1000);
Dataset small = mislabel(clean, 99);
int[] wrongInSmall = mislabelled(small, clean);
System.out.println(small + "\n" + validation);
System.out.println(String.format("%d of the %d training labels are wrong", wrongInSmall.length, small.size())
        + (wrongInSmall.length == 0 ? "" : String.format(", e.g. digit %d is a %d labelled %d", wrongInSmall[0],
                clean.labels()[wrongInSmall[0]], small.labels()[wrongInSmall[0]])));
// %% md
// ## Three sets, three jobs
// - the **training set** sets the weights (every step of `fit` looks at it);
// - the **validation set** chooses everything else: the number of epochs, λ, the dropout rate, the model.
//   `fit` scores it after every epoch with `.validation(set)` (or `.validationSplit(0.1)` to hold out part
//   of the training set);
// - the **test set** gives the final number, once. Choosing by test accuracy would make it one more
//   training signal, and the number would promise more than the model delivers on new data.
//
// Our training set is small, 1000 digits, and one label in five is wrong. Real labels have mistakes too
// (people label in a hurry, some digits are ambiguous), though rarely this many: we make them on purpose
// so that learning the training set by heart plainly hurts. The validation digits keep their true labels.
//
// ## Overfitting
// An MLP 784-512-10 has 407 050 weights for 1000 digits: enough to memorise every one of them, wrong
// labels included. Trained for long enough it does:
// %%
int epochs = quick ? 4 : 40;
FitOptions options() {
    return new FitOptions().epochs(epochs).batchSize(100).optimizer(new Adam(1e-3)).validation(validation).seed(1).live(false);
}
Mlp mlp(double l2, double dropout) {
    Mlp m = Mlp.builder().layers(784, 512, 10).l2(l2).dropout(dropout).seed(1).build();
    m.scaler(Scaler.pixels());
    return m;
}
// "best 0.8627 at epoch 6, last 0.8197": the peak of the validation curve and where it ends.
String peak(History h) {
    double[] v = h.validationAccuracy();
    int best = 0;
    for (int e = 1; e < v.length; e++) if (v[e] > v[best]) best = e;
    return String.format("best %.4f at epoch %d, last %.4f", v[best], best + 1, v[v.length - 1]);
}
Mlp plain = mlp(0, 0);
History plainHistory = plain.fit(small, options());
System.out.println(String.format("plain: training accuracy %.4f after %d epochs; validation accuracy %s",
        plainHistory.last().accuracy(), epochs, peak(plainHistory)));
var curves = new LinkedHashMap<String, double[]>();
curves.put("training (given labels)", plainHistory.accuracy());
curves.put("validation", plainHistory.validationAccuracy());
XYChart overfit = Charts.accuracyCurve(curves);
overfit.getStyler().setYAxisMin(0.4);
overfit
// %% md
// Two phases. In the first epochs both curves rise: the network learns what the 800 rightly labelled
// digits have in common, and that carries over to new digits. Validation accuracy peaks at epoch 6
// (0.8627), then falls, while training accuracy climbs on past 0.8, the share of right labels, to 0.9950:
// from there on the network learns the wrong labels one by one, a "this 3 is a 2" that holds for no other
// digit, and new digits pay for it. After 40 epochs validation accuracy is down to 0.8197, four points
// below its peak. Training accuracy near 1 with a falling validation curve is **overfitting**. (With the
// true labels, `mislabelledShare = 0`, training accuracy also reaches 1 but validation accuracy levels off
// near its best instead of falling: memorising odd examples costs less when their labels are right.)
//
// ## Cure 1: L2 regularization
// Add a penalty for large weights to the loss, `λ` times the sum of all squared weights:
//
// $$L = L_{\text{data}} + \lambda \sum_k \sum w_k^2, \qquad \frac{\partial L}{\partial w} = \frac{\partial L_{\text{data}}}{\partial w} + 2\lambda w$$
//
// Each step now also shrinks every weight towards 0 ("weight decay"); only weights that keep reducing the
// data loss stay large, and learning one odd digit by heart needs large weights for little gain.
// `Mlp.builder().l2(λ)` adds `cg.l2(λ, W1, W2)` to the graph. λ is chosen on the validation set: three
// strengths, ten times apart:
// %%
double[] lambdas = {0.001, 0.01, 0.1};
Mlp[] withL2 = new Mlp[lambdas.length];
History[] l2Histories = new History[lambdas.length];
var sweep = new LinkedHashMap<String, double[]>();
sweep.put("plain", plainHistory.validationAccuracy());
for (int i = 0; i < lambdas.length; i++) {
    withL2[i] = mlp(lambdas[i], 0);
    l2Histories[i] = withL2[i].fit(small, options());
    sweep.put("λ = " + lambdas[i], l2Histories[i].validationAccuracy());
    System.out.println(String.format("L2 λ = %-5s: training accuracy %.4f; validation accuracy %s", lambdas[i],
            l2Histories[i].last().accuracy(), peak(l2Histories[i])));
}
XYChart sweepChart = Charts.accuracyCurve(sweep);
sweepChart.setTitle("Validation accuracy, L2 at three strengths");
sweepChart.getStyler().setYAxisMin(0.5).setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideS);
sweepChart
// %% md
// Too weak, about right, too strong:
// - λ = 0.001 changes almost nothing: its curve lies on the plain one (last 0.8258 against 0.8197) and it
//   learns the wrong labels too (training accuracy 0.9810);
// - λ = 0.01 keeps training accuracy at 0.7910, about the share of right labels, and validation accuracy
//   does not fall: best 0.8698, last 0.8641, more than four points above the plain run's last;
// - λ = 0.1 outweighs the data: the weights are held so small that even the right labels are not learnt
//   (training accuracy 0.5120), and validation accuracy, after 0.7891 at epoch 4, drops to 0.6387.
//
// Too little regularization overfits, too much underfits; the validation set finds the strength in
// between. (Ten times apart is a coarse grid; a finer one around the winner may do a little better.)
//
// ## Cure 2: dropout
// In training, dropout sets each hidden unit to 0 with probability `p`, a fresh random choice (a mask `m`)
// for every example of every batch, and scales the survivors by `1/(1 − p)`:
//
// $$\text{training: } y = \frac{m \odot x}{1-p},\; m_j \sim \text{Bernoulli}(1-p), \qquad \text{inference: } y = x$$
//
// so the expected value of `y` is `x` in both modes. The gradient flows only through the kept units:
// `∂L/∂x = m ⊙ ∂L/∂y / (1 − p)`. No unit can rely on one particular other unit being there, so the network
// learns features that work in many combinations, which carry over better to new data, and it is harder
// to store one digit's odd label in a few units.
//
// Dropout needs to know the **mode**. A `SimulationContext` runs in inference mode unless
// `ctx.training(true)`; `fit` trains in training mode and `score`/`predict` use inference. The graph picture
// marks the ops that care: with a training context, dropout says "training mode".
// %%
Mlp tiny = Mlp.builder().layers(4, 6, 3).activation(Activation.TANH).dropout(0.5).seed(1).build();
SimulationContext trainingRun = new SimulationContext().training(true).seed(3);
trainingRun.forward(tiny.graph(), Map.of(tiny.input(), Tensor.randomNormal(2, 1, 4), tiny.labels(), Tensor.vector(0)));
show(tiny.graph(), trainingRun);
// %% md
// One example, six hidden units: after `dropout` some of the six `tanh` values are 0 and the others are
// doubled (`1/(1 − 0.5) = 2`). Another forward pass draws another mask; an inference context would pass
// the six values through unchanged. The same network on MNIST, with `p = 0.5` after the hidden layer:
// %%
Mlp withDropout = mlp(0, 0.5);
History dropoutHistory = withDropout.fit(small, options());
System.out.println(String.format("dropout (p = 0.5): training accuracy %.4f; validation accuracy %s",
        dropoutHistory.last().accuracy(), peak(dropoutHistory)));
// %% md
// Dropout softens the fall without stopping it: validation accuracy peaks a little later and higher
// (0.8706 at epoch 10) and ends at 0.8462, more than two points above the plain run's 0.8197. Training
// accuracy still climbs to 0.9570 (measured with half the units off; more on that figure below): the
// network learns the wrong labels, only more slowly.
//
// ## Cure 3: early stopping
// The plain run's best epoch came early; everything after it made the model worse on new digits. Early
// stopping keeps a copy of the weights whenever validation accuracy beats its best so far, stops once
// `patience` epochs in a row have not beaten it, and puts the best copy back. `fit` does it with
// `.earlyStopping(patience)`, here on the plain network:
// %%
Mlp stopped = mlp(0, 0);
History stoppedHistory = stopped.fit(small, options().earlyStopping(5));
System.out.println(stoppedHistory.stopped() != null ? stoppedHistory.stopped() : "ran all epochs; " + stoppedHistory.bestNote());
System.out.println(String.format("early stopping: %d epochs run, validation accuracy of the kept weights %.4f (epoch %d)",
        stoppedHistory.epochs().size(), stopped.score(validation), stoppedHistory.bestEpoch()));
// %% md
// The run stopped after epoch 11 and put back the weights of epoch 6: validation accuracy 0.8627 instead of
// the 0.8197 the plain run ended with, and 11 epochs trained instead of 40. Early stopping cannot beat the
// best epoch of the run it watches; what it saves is the fall after it.
//
// **In PyTorch** the first three cures are one argument, one layer and a few lines of the training loop, here
// with `loader` the 1000 training digits in batches of 100 and `x_val`, `y_val` the validation digits:
//
// ```python
// import copy
// import torch
// from torch import nn
// mlp = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Dropout(0.5), nn.Linear(512, 10))  # cure 2
// opt = torch.optim.Adam(mlp.parameters(), lr=1e-3, weight_decay=2 * 0.01)                  # cure 1: 2λ
// best, best_state, waited = 0.0, None, 0
// for epoch in range(40):
//     mlp.train()                                  # dropout on
//     for x, y in loader:
//         opt.zero_grad()
//         nn.functional.cross_entropy(mlp(x), y).backward()
//         opt.step()
//     mlp.eval()                                   # dropout off
//     with torch.no_grad():
//         accuracy = (mlp(x_val).argmax(dim=1) == y_val).float().mean().item()
//     if accuracy > best:                          # cure 3: keep the best weights ...
//         best, best_state, waited = accuracy, copy.deepcopy(mlp.state_dict()), 0
//     else:
//         waited += 1
//         if waited == 5:                          # ... stop after 5 epochs without a better one
//             break
// mlp.load_state_dict(best_state)                  # and put them back
// ```
//
// `weight_decay` adds `2λ·w` to the gradient of every parameter it is given, biases included, unless they get a
// group of their own (notebook 4's PyTorch code); DeepToy's L2 covers the weights only. `mlp.train()` and
// `mlp.eval()` switch dropout on and off, as a training context does here. PyTorch has no `fit`, so early
// stopping is part of your loop (libraries built on it, such as PyTorch Lightning, offer it as a callback).
//
// ## Cure 4: more data
// Often the best cure, when it can be had: four times as many digits, mislabelled in the same share, one
// in five.
// %%
Dataset cleanMore = mnist.train().stratifiedFirst(quick ? 2000 : 4000);
Dataset more = mislabel(cleanMore, 99);
int[] wrongInMore = mislabelled(more, cleanMore);
Mlp moreData = mlp(0, 0);
History moreHistory = moreData.fit(more, options());
System.out.println(String.format("%d digits, %d mislabelled: training accuracy %.4f; validation accuracy %s", more.size(), wrongInMore.length,
        moreHistory.last().accuracy(), peak(moreHistory)));
// %% md
// Four times the data lifts the whole curve by about five points: best 0.9139 at epoch 7, last 0.8669
// (plain: 0.8627 and 0.8197). It does not stop the fall: 767 wrong labels are there to be learnt, and
// training accuracy reaches 0.9898. The cures combine with it; try L2 on the 4000 digits.
//
// ## Compared
// Validation accuracy per epoch of the plain run and three cures (λ = 0.01 for L2). Early stopping has no
// line of its own: it is the plain line cut off at its stop, keeping the weights of the plain line's best epoch.
// %%
var validationCurves = new LinkedHashMap<String, double[]>();
validationCurves.put("plain", plainHistory.validationAccuracy());
validationCurves.put("L2, λ = 0.01", l2Histories[1].validationAccuracy());
validationCurves.put("dropout", dropoutHistory.validationAccuracy());
validationCurves.put("4000 digits", moreHistory.validationAccuracy());
XYChart compared = Charts.accuracyCurve(validationCurves);
compared.getStyler().setYAxisMin(0.7);
compared.setTitle("Validation accuracy");
compared
// %%
String[] names = {"plain", "L2, λ = 0.001", "L2, λ = 0.01", "L2, λ = 0.1", "dropout", "early stopping", "4000 digits"};
Classifier[] models = {plain, withL2[0], withL2[1], withL2[2], withDropout, stopped, moreData};
Dataset[] trainedOn = {small, small, small, small, small, small, more};
int[][] wrongOnes = {wrongInSmall, wrongInSmall, wrongInSmall, wrongInSmall, wrongInSmall, wrongInSmall, wrongInMore};
double[] trainAcc = new double[models.length], valAcc = new double[models.length], learnt = new double[models.length];
for (int i = 0; i < models.length; i++) {
    trainAcc[i] = models[i].score(trainedOn[i]);
    valAcc[i] = models[i].score(validation);
    // the share of the mislabelled training digits for which the model answers the wrong label it was given:
    // the wrong labels it learnt by heart
    int[] predicted = models[i].predict(trainedOn[i]);
    int same = 0;
    for (int j : wrongOnes[i]) if (predicted[j] == trainedOn[i].labels()[j]) same++;
    learnt[i] = (double) same / wrongOnes[i].length;
}
double[] round(double[] v) {
    return Arrays.stream(v).map(a -> Math.round(a * 1000) / 1000.0).toArray();
}
int best = 0;
for (int i = 1; i < models.length; i++) if (valAcc[i] > valAcc[best]) best = i;
System.out.println(String.format("best validation accuracy: %s (%.4f)", names[best], valAcc[best]));
Table.create("The finished models", StringColumn.create("model", names),
        DoubleColumn.create("training accuracy (given labels)", round(trainAcc)),
        DoubleColumn.create("mislabelled digits learnt", round(learnt)),
        DoubleColumn.create("validation accuracy", round(valAcc)))
// %% md
// The table scores the finished models, in inference mode, on the digits they were trained on (the 1000,
// or the 4000) and on the validation digits. "Mislabelled digits learnt" is the share of the wrongly
// labelled training digits for which the model answers the wrong label it was given:
// - the plain network answers it for 0.975 of its 200: it learnt them by heart, and that is what costs it
//   on new digits (0.82);
// - L2 with λ = 0.01 (0.13) and early stopping (0.11) mostly answer what the digit really is, and they are
//   the two best on validation digits among the runs on 1000 (0.864 and 0.863);
// - dropout (0.895) and the 4000 digits (0.948) learn the wrong labels as well, yet lose less by it:
//   what dropout's units learn must work whichever others are switched off, and 3233 right labels teach
//   more than 800.
//
// The training accuracies here are those of the finished models. The ones `fit` printed are its own
// figures for the last epoch, each batch measured as it was trained on, before that batch's update: 0.9810
// printed against 0.988 here for λ = 0.001, and for dropout 0.9570 against 0.979, as `fit` also had half
// the hidden units switched off. Early stopping's 0.792 is that of the weights it kept, from epoch 6.
//
// The 4000 digits end highest (0.8669), less than half a point ahead of L2 (λ = 0.01) and early stopping:
// close enough that another seed could change the order, which shows how much a validation score can
// wobble. The model with the best validation accuracy is the one we keep, and only now does the test set
// speak, once:
// %%
System.out.println(String.format("test accuracy of the chosen model: %.4f (%s, 10 000 test digits)",
        models[best].score(mnist.test()), names[best]));
// %% md
// The test accuracy is within a tenth of a point of the validation accuracy that chose the model. It could
// have been lower: the best of seven validation scores tends to be a lucky one, and the validation digits
// come from the training file, whose writers differ from the test file's. Either way the test number,
// measured once, is the one to report.
//
// Notebook 6 trained a bigger network (two hidden layers) on all 60 000 digits with their labels as given,
// each moved by up to a pixel in every epoch, and reached 98.8 % on the test digits: far more data, and
// right labels, beat every cure here. Regularization matters most when data is scarce or noisy, which is
// the usual case outside of benchmark datasets.
//
// ## Exercise
// **1. Early stopping by hand.** Given the validation accuracy of each epoch (`acc[0]` is epoch 1) and the
// patience, return `{best, last}`: the epoch whose weights early stopping keeps (the first epoch with the
// highest accuracy so far) and the last epoch it runs (it stops after `patience` epochs in a row without
// a new best, or at the end of `acc`).
// %% exercise points=3
int[] earlyStop(double[] acc, int patience) {
    // BEGIN SOLUTION
    int best = 0, since = 0;
    for (int e = 0; e < acc.length; e++) {
        if (e == 0 || acc[e] > acc[best]) {
            best = e;
            since = 0;
        } else if (++since >= patience) {
            return new int[] {best + 1, e + 1};
        }
    }
    return new int[] {best + 1, acc.length};
    // END SOLUTION
    // STUDENT: return new int[] {0, 0}; // your code here
}
// %%
// Check: your rule against hand-made and random cases and against fit's own run above.
GeneralizationChecks.earlyStop((acc, patience) -> earlyStop(acc, patience), stoppedHistory, 5);
