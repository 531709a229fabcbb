// expect: image/png
// expect: image/jpeg
// expect: text: linear SVM test accuracy:
// expect: text: MLP test accuracy:
// %% md
// # 7 · CIFAR-10: a linear SVM and an MLP on photos
//
// **What you will learn**
// - colour images as tensors `[3, 32, 32]` (red, green and blue planes), 3072 numbers each;
// - why photos are much harder than digits (a plane is a plane in any colour, at any place);
// - what a linear classifier learns: one *template* per class, drawn as a picture;
// - how much a hidden layer adds, measured on 10 000 test photos.
//
// The exercises: standardising features, and a linear classifier's scores by hand.
// %%
import org.deeptoy.kernel.render.*;
import tech.tablesaw.api.*;

boolean quick = Course.quick();
Split cifar = Datasets.cifar10();
Dataset train = quick ? cifar.train().first(10000) : cifar.train();
Dataset test = cifar.test();
List<String> names = test.classNames();
System.out.println(train + "\n" + test + "\nclasses: " + names);
// %% md
// ## The data
// Four photos of each class from the training set, one class per row:
// %%
int perClass = 4;
int[] idx = new int[10 * perClass];
String[] captions = new String[10 * perClass];
for (int c = 0; c < 10; c++) {
    int found = 0;
    for (int i = 0; i < train.size() && found < perClass; i++) {
        if (train.labels()[i] == c) {
            captions[c * perClass + found] = found == 0 ? names.get(c) : "";
            idx[c * perClass + found++] = i;
        }
    }
}
Images.photos(train.subset(idx).x(), perClass, captions, Images.Options.defaults().scaling(Images.Scaling.BYTE).zoom(2))
// %% md
// Objects appear at any place, size and colour, on any background. A linear model sees only pixel
// values at fixed places, so this is far harder than MNIST: guessing gives 10%.
//
// ## A linear SVM
// The same model as notebook 4, now with 3072 inputs: `scores = x·W + b` with `W` `[3072, 10]`, the
// hinge loss plus L2 on `W`, features standardised. The recipe comes from the tuning lesson (notebook 7b),
// which chose it on validation photos: learning rate 10⁻⁴ and λ = 0.01, SGD with momentum, and two kinds of
// **data augmentation** (more training photos made from the ones we have):
// - every training photo also **mirrored** left to right (`withMirrors()`: twice as many photos, as a horse
//   facing left is as much a horse as one facing right);
// - every photo **moved** by up to one pixel left or right and up or down, at random and anew in each epoch
//   (`shifts(1)` in the fit options, as for the digits of notebook 6; the edge pixels fill the gap), as a cat a
//   pixel further left is still a cat.
//
// As the photos are never twice the same, the SVM gets sixteen epochs, the learning rate halved every four
// (twice what the mirrored photos alone need). Sixteen epochs over 100 000 photos take about half a minute;
// each prints one line. The test accuracy passes 40 %, about as far as a linear classifier gets on raw pixels
// (CS231n's linear SVM reaches 38–40 %); notebook 7b shows on validation photos what the mirrors and the
// moves each add.
// %%
Dataset augmented = train.withMirrors();
LinearSvm svm = LinearSvm.builder().inputs(3072).classes(10).l2(1e-2).seed(1).build();
svm.scaler(Scaler.standardize(train));
History svmHistory = svm.fit(augmented, new FitOptions().epochs(quick ? 2 : 16).batchSize(200).shifts(1)
        .optimizer(new Sgd(1e-4).momentum(0.9).schedule(Schedule.step(4, 0.5))).seed(7).live(false).verbose(true));
double svmAccuracy = svm.score(test);
System.out.println(String.format("linear SVM test accuracy: %.4f", svmAccuracy));
// %% md
// **In PyTorch** the photos come from `torchvision.datasets.CIFAR10`, and the mirrors and moves are
// *transforms*, applied to a photo each time a `DataLoader` fetches it:
//
// ```python
// import torch
// from torch import nn
// from torch.utils.data import ConcatDataset, DataLoader
// from torchvision import datasets, transforms
// shift = transforms.RandomCrop(32, padding=1, padding_mode="edge")   # moved by up to 1 pixel, edges repeated
// scale = [transforms.ToTensor(),                                       # [3, 32, 32], values in [0, 1]
//          transforms.Normalize((0.4914, 0.4822, 0.4465), (0.2470, 0.2435, 0.2616))]
// photos = datasets.CIFAR10("data", train=True, download=True, transform=transforms.Compose([shift, *scale]))
// mirrors = datasets.CIFAR10("data", train=True,
//                            transform=transforms.Compose([transforms.RandomHorizontalFlip(p=1.0), shift, *scale]))
// loader = DataLoader(ConcatDataset([photos, mirrors]), batch_size=200, shuffle=True)   # 100 000 photos
// svm = nn.Sequential(nn.Flatten(), nn.Linear(3072, 10))
// opt = torch.optim.SGD([{"params": [svm[1].weight], "weight_decay": 0.02},   # 2λ, λ = 0.01 (notebook 4)
//                        {"params": [svm[1].bias]}], lr=1e-4, momentum=0.9)
// schedule = torch.optim.lr_scheduler.StepLR(opt, step_size=4, gamma=0.5)   # halved every 4 epochs
// hinge = nn.MultiMarginLoss()
// for epoch in range(16):
//     for x, y in loader:
//         opt.zero_grad()
//         (10 * hinge(svm(x), y)).backward()        # × 10 classes: DeepToy's hinge (notebook 4)
//         opt.step()
//     schedule.step()
// ```
//
// `Normalize` standardises each colour channel with one mean and one standard deviation (those of the 50 000
// training photos, the six figures above), where `Scaler.standardize` gives each of the 3072 pixel values its
// own. The usual recipe flips with `RandomHorizontalFlip()` (probability 0.5, a coin toss per photo and epoch)
// instead of adding every mirror, so an epoch stays at 50 000 photos.
//
// ## The SVM's templates
// Column `j` of `W` holds one weight per pixel and colour: the score of class `j` is the dot product of the
// (standardised) photo with that column. Drawn as an image (each stretched from its own smallest to largest
// weight), a column is the picture the class "matches best":
// %%
// JPEG rather than PNG keeps photo-like pictures small in the saved notebook.
Images.jpeg(Images.templates(svm.weights().value(), new int[] {3, 32, 32}, names.toArray(String[]::new)))
// %% md
// The templates are blurry and left-right symmetric: every training photo came with its mirror image, so a
// template scores a photo and its mirror alike, and the *horse* template holds a horse facing left and one
// facing right at once. The moves by a pixel smooth them further: a template must score a photo and the same
// photo one pixel over alike, so neighbouring weights come out close and little is left of the fine speckle
// with which an SVM fits single training photos. Look for a green centre in *frog*, blue-grey borders around
// *ship* and *airplane*, a coloured blob in the middle of *deer* and *horse*. The outermost ring of pixels
// stands a little apart from its neighbours: a move repeats the edge pixels into the gap, so their weights
// count for more than one pixel. One template per class cannot hold the many ways an object looks.
//
// ## An MLP
// A hidden layer of 512 ReLU units can combine many templates. Adam, learning rate 3·10⁻⁴ (× 0.3 every
// 3 epochs), a little L2, and the mirrored photos again: eight epochs over 100 000 photos take about
// one and a half to three minutes on two cores (88 s and 163 s in two runs here; longer on a busy machine);
// the progress bar shows the time left.
// %%
Mlp mlp = Mlp.builder().layers(3072, 512, 10).activation(Activation.RELU).l2(1e-4).seed(1).build();
mlp.scaler(Scaler.standardize(train));
History mlpHistory = mlp.fit(augmented, new FitOptions().epochs(quick ? 2 : 8).batchSize(128)
        .optimizer(new Adam(3e-4).schedule(Schedule.step(3, 0.3))).seed(7));
double mlpAccuracy = mlp.score(test);
System.out.println(String.format("MLP test accuracy: %.4f", mlpAccuracy));
// %% md
// **In PyTorch** the MLP, its optimizer and the test photos, with the loop above over batches of 128:
//
// ```python
// mlp = nn.Sequential(nn.Flatten(), nn.Linear(3072, 512), nn.ReLU(), nn.Linear(512, 10))
// opt = torch.optim.Adam([{"params": [mlp[1].weight, mlp[3].weight], "weight_decay": 2e-4},   # 2λ, λ = 10⁻⁴
//                         {"params": [mlp[1].bias, mlp[3].bias]}], lr=3e-4)
// schedule = torch.optim.lr_scheduler.StepLR(opt, step_size=3, gamma=0.3)
// loss_fn = nn.CrossEntropyLoss()
// # ... 8 epochs of the loop above, with loss_fn(mlp(x), y) as the loss ...
// test = datasets.CIFAR10("data", train=False, transform=transforms.Compose(scale))   # no mirrors, no moves
// mlp.eval()
// with torch.no_grad():
//     right = sum((mlp(x).argmax(dim=1) == y).sum().item() for x, y in DataLoader(test, batch_size=1000))
// print(f"MLP test accuracy: {right / len(test):.4f}")
// ```
//
// The test photos get the same `Normalize`, with the training photos' figures, as `score` applies the scaler
// measured on the training photos. scikit-learn's `confusion_matrix(y_true, y_pred)` makes the table of
// counts used at the end of this notebook.
//
// ## Compared
// Accuracy on the training photos and their mirrors (in the last epoch) next to the test photos. The gap between the two
// is what the model memorised about its training photos without learning anything that carries over.
// %%
System.out.println(String.format("test accuracy: SVM %.4f, MLP %.4f (chance 0.10)", svmAccuracy, mlpAccuracy));
Table.create("accuracy", StringColumn.create("model", "linear SVM", "MLP 3072-512-10"),
        DoubleColumn.create("training (last epoch)", svmHistory.last().accuracy(), mlpHistory.last().accuracy()),
        DoubleColumn.create("test", svmAccuracy, mlpAccuracy))
// %% md
// Which classes does the MLP mix up? For each true class, the class it is most often taken for (from the
// confusion matrix: `counts[true][predicted]` over the 10 000 test photos):
// %%
int[][] counts = mlp.confusionMatrix(test);
String[] mistakenFor = new String[10];
double[] right = new double[10], share = new double[10];
for (int c = 0; c < 10; c++) {
    int worst = c == 0 ? 1 : 0, total = 0;
    for (int p = 0; p < 10; p++) {
        total += counts[c][p];
        if (p != c && counts[c][p] > counts[c][worst]) worst = p;
    }
    mistakenFor[c] = names.get(worst);
    right[c] = (double) counts[c][c] / total;
    share[c] = (double) counts[c][worst] / total;
}
Table.create("MLP on the test photos", StringColumn.create("class", names.toArray(String[]::new)),
        DoubleColumn.create("right", right), StringColumn.create("most often taken for", mistakenFor),
        DoubleColumn.create("that often", share))
// %% md
// The MLP confuses animals with animals (*cat*/*dog*, *deer*/*horse*) and vehicles with vehicles. Going well
// beyond this needs a network that knows about neighbouring pixels and shifts: a CNN (notebook 8 on digits, notebook 8b on these photos).
//
// ## Exercises
// **1. Standardise.** For a matrix `x` `[n, d]` (rows are examples) return a new matrix where each column has
// mean 0 and standard deviation 1: `(x − mean) / std`, with the mean and the (population) standard deviation
// of that column.
// %% exercise points=2
double[][] standardize(double[][] x) {
    // BEGIN SOLUTION
    int n = x.length, d = x[0].length;
    double[][] out = new double[n][d];
    for (int j = 0; j < d; j++) {
        double mean = 0, var = 0;
        for (double[] row : x) mean += row[j] / n;
        for (double[] row : x) var += (row[j] - mean) * (row[j] - mean) / n;
        double std = Math.sqrt(var);
        for (int i = 0; i < n; i++) out[i][j] = (x[i][j] - mean) / std;
    }
    return out;
    // END SOLUTION
    // STUDENT: return x; // your code here
}
// %%
// Check: your standardisation on random pixel-like columns.
CifarChecks.standardize(x -> standardize(x));
// %% md
// **2. A linear classifier's scores.** Given one (standardised) photo `x` (3072 numbers), the weights `W`
// `[3072, 10]` and biases `b` `[10]`, return the 10 scores `s_j = Σ_i x_i W_ij + b_j`.
// %% exercise
double[] linearScores(double[] x, Tensor W, double[] b) {
    // BEGIN SOLUTION
    int d = W.dim(0), k = W.dim(1);
    double[] s = b.clone();
    for (int i = 0; i < d; i++) for (int j = 0; j < k; j++) s[j] += x[i] * W.get(i, j);
    return s;
    // END SOLUTION
    // STUDENT: return new double[10]; // your code here
}
// %%
// Check: your scores on random weights, biases and inputs.
CifarChecks.scores((x, w, b) -> linearScores(x, w, b));
