// expect: image/png
// expect: image/svg+xml
// expect: text: best validation accuracy
// expect: text: test accuracy of the chosen model:
// %% md
// # 6b · Generalization: overfitting and three cures
//
// **What you will learn**
// - a validation set: data held out of training to choose between models, so that the test set is used
//   only once, at the end;
// - overfitting, seen on curves: training accuracy climbs to 100 % while validation accuracy stalls;
// - three cures and their math: L2 regularization, dropout (with a training and an inference mode) and
//   early stopping (keep the weights of the best validation epoch).
// %%
import org.deeptoy.kernel.render.*;
import org.knowm.xchart.*;
import tech.tablesaw.api.*;

boolean quick = Course.quick();
Split mnist = Datasets.mnist();
// A small training set makes overfitting quick to see: 1000 digits, 100 of each.
Dataset small = mnist.train().stratifiedFirst(1000);
// Validation digits: the last 10 000 of the training file, which the small set does not contain.
int from = mnist.train().size() - (quick ? 2000 : 10000);
int[] last = new int[mnist.train().size() - from];
for (int i = 0; i < last.length; i++) last[i] = from + i;
Dataset validation = mnist.train().subset(last).named("validation");
System.out.println(small + "\n" + validation);
// %% md
// ## Three sets, three jobs
// - the **training set** sets the weights (every step of `fit` looks at it);
// - the **validation set** chooses everything else: the number of epochs, λ, the dropout rate, the model.
//   `fit` scores it after every epoch with `.validation(set)` (or `.validationSplit(0.1)` to hold out part
//   of the training set);
// - the **test set** gives the final number, once. Choosing by test accuracy would make it one more
//   training signal, and the number would promise more than the model delivers on new data.
//
// ## Overfitting
// An MLP 784-512-10 has 407 050 weights for 1000 digits: enough to memorise every one of them. Trained for
// long enough it does. Each of the four runs in this notebook takes about five seconds on two cores, most of it
// spent scoring the 10 000 validation digits after every epoch.
// %%
int epochs = quick ? 15 : 40;
FitOptions options() {
    return new FitOptions().epochs(epochs).batchSize(50).optimizer(new Adam(1e-3)).validation(validation).seed(1).live(false);
}
Mlp plain = Mlp.builder().layers(784, 512, 10).seed(1).build();
plain.scaler(Scaler.pixels());
History plainHistory = plain.fit(small, options());
var curves = new LinkedHashMap<String, double[]>();
curves.put("training", plainHistory.accuracy());
curves.put("validation", plainHistory.validationAccuracy());
System.out.println(String.format("after %d epochs: training accuracy %.4f, validation accuracy %.4f", epochs,
        plainHistory.last().accuracy(), plainHistory.last().validationAccuracy()));
Charts.accuracyCurve(curves)
// %% md
// Training accuracy reaches 1: every training digit is right. Validation accuracy stops rising after a few
// epochs, well below: what the network learnt about these 1000 digits only partly carries over to new
// ones. The gap between the curves is **overfitting**. More data is the best cure; the three below work
// with the data we have.
//
// ## Cure 1: L2 regularization
// Add a penalty for large weights to the loss, `λ` times the sum of all squared weights:
//
// $$L = L_{\text{data}} + \lambda \sum_k \sum w_k^2, \qquad \frac{\partial L}{\partial w} = \frac{\partial L_{\text{data}}}{\partial w} + 2\lambda w$$
//
// Each step now also shrinks every weight towards 0 ("weight decay"); only weights that keep reducing the
// data loss stay large. `Mlp.builder().l2(λ)` adds `cg.l2(λ, W1, W2)` to the graph.
// %%
Mlp withL2 = Mlp.builder().layers(784, 512, 10).l2(1e-3).seed(1).build();
withL2.scaler(Scaler.pixels());
History l2History = withL2.fit(small, options());
System.out.println(String.format("L2 (λ = 0.001): training accuracy %.4f, validation accuracy %.4f",
        l2History.last().accuracy(), l2History.last().validationAccuracy()));
// %% md
// ## Cure 2: dropout
// In training, dropout sets each hidden unit to 0 with probability `p`, a fresh random choice (a mask `m`)
// for every example of every batch, and scales the survivors by `1/(1 − p)`:
//
// $$\text{training: } y = \frac{m \odot x}{1-p},\; m_j \sim \text{Bernoulli}(1-p), \qquad \text{inference: } y = x$$
//
// so the expected value of `y` is `x` in both modes. The gradient flows only through the kept units:
// `∂L/∂x = m ⊙ ∂L/∂y / (1 − p)`. No unit can rely on one particular other unit being there, so the network
// learns features that work in many combinations, which carry over better to new data.
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
Mlp withDropout = Mlp.builder().layers(784, 512, 10).dropout(0.5).seed(1).build();
withDropout.scaler(Scaler.pixels());
History dropoutHistory = withDropout.fit(small, options());
System.out.println(String.format("dropout (p = 0.5): training accuracy %.4f, validation accuracy %.4f",
        dropoutHistory.last().accuracy(), dropoutHistory.last().validationAccuracy()));
// %% md
// ## Cure 3: early stopping
// In the runs above validation accuracy stops rising after ten to fifteen epochs and then only wobbles
// around 0.90, while training accuracy has reached 1: the later epochs cost time and teach nothing that
// carries over (on other data they often make validation accuracy fall). Early stopping keeps a
// copy of the weights whenever validation accuracy beats its best so far, stops once `patience` epochs in a
// row have not beaten it, and puts the best copy back. `fit` does it with `.earlyStopping(patience)`:
// %%
Mlp stopped = Mlp.builder().layers(784, 512, 10).dropout(0.5).seed(1).build();
stopped.scaler(Scaler.pixels());
History stoppedHistory = stopped.fit(small, options().earlyStopping(5));
System.out.println(stoppedHistory.stopped() != null ? stoppedHistory.stopped() : "ran all epochs; " + stoppedHistory.bestNote());
System.out.println(String.format("early stopping: %d epochs run, best validation accuracy %.4f at epoch %d",
        stoppedHistory.epochs().size(), stopped.score(validation), stoppedHistory.bestEpoch()));
// %% md
// ## Compared
// Validation accuracy per epoch of the four runs (early stopping ends where its line ends):
// %%
var validationCurves = new LinkedHashMap<String, double[]>();
validationCurves.put("plain", plainHistory.validationAccuracy());
validationCurves.put("L2", l2History.validationAccuracy());
validationCurves.put("dropout", dropoutHistory.validationAccuracy());
validationCurves.put("dropout + early stopping", stoppedHistory.validationAccuracy());
XYChart compared = Charts.accuracyCurve(validationCurves);
compared.getStyler().setYAxisMin(0.8);
compared.setTitle("Validation accuracy");
compared
// %%
String[] names = {"plain", "L2", "dropout", "dropout + early stopping"};
Classifier[] models = {plain, withL2, withDropout, stopped};
double[] trainAcc = new double[4], valAcc = new double[4];
for (int i = 0; i < 4; i++) {
    trainAcc[i] = models[i].score(small);
    valAcc[i] = models[i].score(validation);
}
int best = 0;
for (int i = 1; i < 4; i++) if (valAcc[i] > valAcc[best]) best = i;
System.out.println(String.format("best validation accuracy: %s (%.4f)", names[best], valAcc[best]));
Table.create("1000 training digits", StringColumn.create("model", names), DoubleColumn.create("training accuracy", trainAcc),
        DoubleColumn.create("validation accuracy", valAcc))
// %% md
// The training accuracies in the table are the finished models scored on the 1000 training digits in
// inference mode: all 1000 right. The 0.9990 printed for dropout above is `fit`'s own figure for its last
// epoch, measured on each batch as it was seen, before that batch's update and with dropout switching half
// the hidden units off: one digit of 1000 wrong under those conditions.
//
// On 1000 digits the four runs end within half a point of each other (validation 0.9033 to 0.9082). Here
// the validation curves only level off, they do not fall, so early stopping saves epochs but not accuracy:
// it kept epoch 15 (0.9057), and the dropout run that went on to epoch 40 ended a little higher (0.9082).
// Which run wins can change with the seed: with so little data, validation accuracy itself is noisy. The
// model with the best validation accuracy is the one we keep, and only now does the test set speak, once:
// %%
System.out.println(String.format("test accuracy of the chosen model: %.4f (%s, 10 000 test digits)",
        models[best].score(mnist.test()), names[best]));
// %% md
// The test accuracy is lower than the validation accuracy. Part of the gap is the choice itself: the best
// of four validation scores is a little lucky. The rest is the data: the validation digits come from the
// training file, whose writers differ from the test file's. Either way the test number, measured once, is
// the one to report.
//
// Notebook 6 trained a bigger network (two hidden layers) on all 60 000 digits, each moved by up to a pixel
// in every epoch, and reached 98.8 %: sixty times more data beats every cure here. Regularization matters
// most when data is scarce, which is the usual case outside of benchmark datasets.
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
