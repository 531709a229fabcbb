// expect: image/png
// expect: image/svg+xml
// expect: text: test accuracy:
// %% md
// # 6 · Handwritten digits (MNIST) with an MLP
//
// **What you will learn**
// - images as tensors: 28 × 28 grey pixels, flattened to 784 numbers for an MLP;
// - the network as a computational graph, drawn;
// - training on 60 000 images in mini-batches, with a learning-rate schedule;
// - test accuracy, the confusion matrix, and the digits the network gets most confidently wrong.
//
// The exercises: accuracy from class scores, and the backward step of ReLU.
// %%
import org.deeptoy.kernel.render.*;

boolean quick = Course.quick();
Split mnist = Datasets.mnist();
Dataset train = quick ? mnist.train().first(20000) : mnist.train();
Dataset test = mnist.test();
System.out.println(train + "\n" + test);
// %% md
// ## The data
// Each example is a 28 × 28 image, grey levels 0 (black) to 255 (white), with its digit as the label.
// The first 32 training images:
// %%
String[] captions = new String[32];
for (int i = 0; i < 32; i++) captions[i] = train.className(train.labels()[i]);
Images.grid(train.first(32).x(), 16, captions)
// %% md
// Ten classes, roughly balanced:
// %%
System.out.println("images per digit in the training set: " + Arrays.toString(train.classCounts()));
// %% md
// ## The network
// An MLP sees an image as a row of 784 numbers (the pixels, row by row), so it does not know which pixels
// are neighbours; it has to learn that. Two hidden layers of ReLU units (512, then 256), then 10 scores:
// `s = relu(relu(x·W1 + b1)·W2 + b2)·W3 + b3`, trained with softmax cross-entropy. After each hidden layer
// comes **dropout** (p = 0.2): in training it sets a random fifth of the units to 0 at every batch, so no
// unit can count on another one being there; at test time it does nothing. It makes the network
// generalize better; notebook 6b shows it properly. Its graph:
// %%
Mlp mlp = Mlp.builder().layers(784, 512, 256, 10).activation(Activation.RELU).dropout(0.2).seed(1).build();
mlp.scaler(Scaler.pixels()); // 0..255 -> 0..1
System.out.println(mlp);
mlp.graph()
// %% md
// `W1` is `[784, 512]`: 401 408 of the 535 818 parameters. Each column of `W1` is a 28 × 28 pattern the
// unit responds to.
//
// **In PyTorch** the same network is a stack of modules; `nn.Linear` holds its weight as `[out, in]`, the
// transpose of `W1`:
//
// ```python
// from torch import nn
// mlp = nn.Sequential(nn.Flatten(),
//                     nn.Linear(784, 512), nn.ReLU(), nn.Dropout(0.2),
//                     nn.Linear(512, 256), nn.ReLU(), nn.Dropout(0.2),
//                     nn.Linear(256, 10))             # scores; nn.CrossEntropyLoss() adds the softmax
// mlp.train()   # dropout on (fit does this for you); mlp.eval() before scoring: dropout off
// ```
//
// There is no `fit`: a PyTorch program writes the loop of notebook 3b over a `DataLoader`'s batches
// (notebook 9b), or takes one from a library such as PyTorch Lightning.
//
// ## Training
// Adam with learning rate 0.001, multiplied by 0.3 every 3 epochs (a step schedule: big steps first,
// then finer ones), batches of 64, and one more trick, **data augmentation**: in every epoch each training
// digit is **moved** by up to one pixel left or right and up or down, at random (`shifts(1)` in the fit
// options; the edge pixels fill the gap). A 7 one pixel further left is still a 7, so the network sees
// slightly different digits in every epoch and learns their shapes rather than their exact pixels.
// Eight epochs over 60 000 images took 24–32 s of training in our runs on two cores (the line under the
// chart; on a class server where others train too it takes longer, with the same results). The network then
// gets 0.9878 of the 10 000 test digits right (122 wrong); without the moves
// the same network needed ten epochs for 0.9857 when this notebook was written. The progress bar shows the
// epoch, the batch and the time left; the chart shows the loss of every batch (pale) and its mean per
// epoch (dark). `h` holds the numbers: `h.loss()`, `h.accuracy()`.
// %%
int epochs = quick ? 3 : 8;
History h = mlp.fit(train, new FitOptions().epochs(epochs).batchSize(64).shifts(1)
        .optimizer(new Adam(1e-3).schedule(Schedule.step(3, 0.3))).seed(7));
System.out.println(String.format("%d epochs in %.0f s, last epoch: loss %.4f, training accuracy %.4f", h.epochs().size(),
        h.totalSeconds(), h.last().loss(), h.last().accuracy()));
// %%
double accuracy = mlp.score(test);
System.out.println(String.format("test accuracy: %.4f", accuracy));
// %% md
// The test accuracy can be higher than the training accuracy printed above, and here it is: the training
// accuracy is measured during training, with dropout switching off a fifth of the units and on digits moved by
// a pixel, both of which make the task harder; the test digits are scored by the whole network, unmoved.
//
// ## Looking inside
// Column `j` of `W1` holds the 784 weights of hidden unit `j`, one per pixel. Drawn as a 28 × 28 picture
// (each stretched from its most negative weight, black, to its most positive, white), it shows which pixels
// excite the unit and which inhibit it. The first 16 of the 512 units:
// %%
Tensor w1 = mlp.graph().find("W1").value(); // [784, 512]
double[] columns = new double[16 * 784];
for (int unit = 0; unit < 16; unit++) for (int pixel = 0; pixel < 784; pixel++) columns[unit * 784 + pixel] = w1.get(pixel, unit);
Images.grid(Tensor.wrap(columns, 16, 1, 28, 28), 8, null, Images.Options.defaults().scaling(Images.Scaling.PER_IMAGE).zoom(4))
// %% md
// Mostly noise: every unit starts from random weights, and a few epochs change them only a little. Look
// closer and some show faint strokes or blobs in the middle, where digits are drawn: that is what training
// added. The border pixels are 0 in every MNIST image, so their weights never receive a gradient
// (`∂L/∂W1[p, j] = x_p · ∂L/∂h_j = 0` when `x_p = 0`) and keep their random start; an L2 penalty would
// shrink them to 0.
// %% md
// ## Where it goes wrong
// The confusion matrix counts, for each true digit (row), what the network predicted (column). The right
// answers on the diagonal are blue. The mistakes off it are red, on a scale of their own (the darkest is
// the most frequent mistake), so that 122 mistakes show beside 9878 right answers.
// %%
Charts.confusionMatrix(mlp.confusionMatrix(test), test.classNames())
// %% md
// The most frequent mistakes are shapes that look alike: 5 read as 3 (11 times), 9 read as 4 (9), 7 read as
// 2 (8), then 4 read as 9, 6 as 4 and 7 as 9 (5 each); 40 of the 90 pairs are never confused at all, and
// the 1s, with 4 mistakes in 1135, are the easiest digit.
//
// The most confidently wrong digits: among the test images it misclassifies, those where it put the
// most probability on its wrong answer. Caption: true → predicted (probability).
// %%
Tensor proba = mlp.predictProba(test);
int[] predicted = proba.argmaxRows();
List<Integer> wrong = new ArrayList<>();
for (int i = 0; i < test.size(); i++) if (predicted[i] != test.labels()[i]) wrong.add(i);
int k = proba.dim(1);
wrong.sort(Comparator.comparingDouble(i -> -proba.data()[i * k + predicted[i]]));
int shown = Math.min(16, wrong.size());
int[] worst = new int[shown];
String[] why = new String[shown];
for (int j = 0; j < shown; j++) {
    int i = wrong.get(j);
    worst[j] = i;
    why[j] = String.format("%d → %d (%.0f%%)", test.labels()[i], predicted[i], 100 * proba.data()[i * k + predicted[i]]);
}
System.out.println(wrong.size() + " of " + test.size() + " test digits are misclassified");
Images.grid(test.subset(worst).x(), 8, why)
// %% md
// Many of these are hard even for a person; some are plain mistakes. Notebook 8 shows that a network
// which knows pixels have neighbours (a CNN) makes fewer of them.
//
// ## Exercises
// **1. Accuracy from scores.** `scores` is `[n, 10]` (one row per image); the prediction is the column with
// the highest score. Return the fraction of rows whose prediction equals the label.
// %% exercise points=2
double myAccuracy(Tensor scores, int[] labels) {
    // BEGIN SOLUTION
    int n = scores.dim(0), classes = scores.dim(1), right = 0;
    for (int i = 0; i < n; i++) {
        int best = 0;
        for (int j = 1; j < classes; j++) if (scores.get(i, j) > scores.get(i, best)) best = j;
        if (best == labels[i]) right++;
    }
    return (double) right / n;
    // END SOLUTION
    // STUDENT: return 0; // your code here
}
// %%
// Check: your accuracy on random batches of scores and labels.
MnistMlpChecks.accuracy((scores, labels) -> myAccuracy(scores, labels));
// %% md
// **2. The backward step of ReLU.** `y = max(x, 0)`. Given the inputs `x` and the gradient `dy` of the loss
// with respect to `y`, return `dx`: `dy` where `x > 0`, else 0.
// %% exercise
double[] reluBackward(double[] x, double[] dy) {
    // BEGIN SOLUTION
    double[] dx = new double[x.length];
    for (int i = 0; i < x.length; i++) dx[i] = x[i] > 0 ? dy[i] : 0;
    return dx;
    // END SOLUTION
    // STUDENT: return dy.clone(); // your code here
}
// %%
// Check: your backward against DeepToy's relu op on random inputs.
MnistMlpChecks.reluBackward((x, dy) -> reluBackward(x, dy));
