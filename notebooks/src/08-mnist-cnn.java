// expect: image/png
// expect: image/svg+xml
// expect: text: test accuracy:
// %% md
// # 8 · MNIST with a small CNN
//
// **What you will learn**
// - what a 2-D convolution computes: one small filter slid over the image;
// - im2col: how a convolution becomes a single matrix multiplication (and so runs at BLAS speed);
// - a small convolutional network: conv → relu → pool, twice, then dense layers;
// - what the first layer's filters look like after training, and the accuracy they buy.
//
// The exercises: the output size of a convolution, and im2col by hand.
// %%
import org.deeptoy.kernel.render.*;

boolean quick = Course.quick();
Split mnist = Datasets.mnist();
Dataset train = quick ? mnist.train().first(3000) : mnist.train();
Dataset test = quick ? mnist.test().first(2000) : mnist.test();
System.out.println(train + "\n" + test);
// %% md
// ## Convolution
// A convolution slides a small filter `F` (here 3 × 3) over the image `X`. At each position it multiplies
// the patch under the filter with the filter, element by element, and adds up: one output pixel.
//
// $$Y[i, j] = \sum_{u, v} F[u, v]\; X[i + u,\; j + v]$$
//
// The same 9 weights are used at every position, so a filter that detects an edge finds it anywhere in
// the image; an MLP would need separate weights for each place.
//
// **im2col** ("image to columns") copies every patch into a column of a matrix. For a 5 × 5 image and a
// 3 × 3 filter there are 3 × 3 = 9 positions, so the matrix is `[9 values per patch, 9 patches]`. The whole
// convolution is then one matrix product: `filters [F, 9] · columns [9, 9] = outputs [F, 9]`. The picture
// shows the image (left), the first patch and the 5th (in colour), and where they land (right):
// %%
// a 5 × 5 image, a 3 × 3 filter; patches 0 and 4 marked
ConvPictures.im2col(5, 3, 0, 4)
// %% md
// The numbers are pixel positions: column `p0` holds pixels 1, 2, 3, 6, 7, 8, 11, 12, 13 — the 3 × 3 patch in
// the top-left corner. DeepToy's `cg.conv2d` works exactly this way. Check it on that 5 × 5 image with two
// filters (a vertical-edge detector and a 3 × 3 mean):
// %%
double[] pixels = new double[25];
for (int i = 0; i < 25; i++) pixels[i] = i + 1; // the pixel numbers of the picture above, 1..25
Tensor image = Tensor.wrap(pixels, 1, 1, 5, 5);
double[] edge = {-1, 0, 1, -1, 0, 1, -1, 0, 1}, mean = new double[9];
Arrays.fill(mean, 1.0 / 9);
double[] both = new double[18];
System.arraycopy(edge, 0, both, 0, 9);
System.arraycopy(mean, 0, both, 9, 9);
ComputationalGraph cg = new ComputationalGraph();
Connection conv = cg.conv2d(cg.constant(image, "X"), cg.constant(Tensor.wrap(both, 2, 1, 3, 3), "F"), 1, 0, "Y");
Tensor y = new SimulationContext().forward(cg).value(conv);

// the same with im2col and one matrix product: F [2, 9] · cols [9, 9]
double[] cols = new double[81];
for (int p = 0; p < 9; p++) for (int r = 0; r < 9; r++) cols[r * 9 + p] = image.data()[(p / 3 + r / 3) * 5 + (p % 3 + r % 3)];
ComputationalGraph mm = new ComputationalGraph();
Connection product = mm.matrixMultiply(mm.constant(Tensor.wrap(both, 2, 9)), mm.constant(Tensor.wrap(cols, 9, 9)));
Tensor viaIm2col = new SimulationContext().forward(mm).value(product);
System.out.println("conv2d equals filters · im2col: " + y.reshape(2, 9).allClose(viaIm2col, 1e-12));
y
// %% md
// The edge filter gives 6 everywhere (the pixel values grow by 1 per column, so each of the 3 rows adds X[·, j + 2] − X[·, j] = 2); the
// mean filter gives the centre pixel of each patch (the first patch's centre is pixel 7).
//
// ## Max-pooling
// A max-pool of size `s` cuts each feature map into `s × s` windows (stride `s`) and keeps the largest value
// of each:
//
// $$Y[i, j] = \max_{0 \le u, v < s} X[s\,i + u,\; s\,j + v]$$
//
// It halves the height and width for `s = 2`, so later layers see a wider part of the image for the same
// cost, and a feature that moves by one pixel often gives the same output. Backward sends each output's
// gradient to the one input that was the maximum (the circled values); the others get 0.
// %%
ConvPictures.maxPool(2, 1, 3, 2, 0,
                        5, 4, 1, 7,
                        0, 2, 9, 6,
                        3, 1, 4, 8)
// %% md
// ## The network
// `conv(16 filters, 5 × 5) → relu → maxPool(2) → conv(32, 5 × 5) → relu → maxPool(2) → dense(128) → relu → 10 scores`.
// Convolutions keep the image size (zero padding 2), each pool halves it: 28 → 14 → 7, so the dense layer
// sees 32 × 7 × 7 = 1568 features.
// %%
Cnn cnn = Cnn.builder().input(1, 28, 28).conv(16, 5).pool(2).conv(32, 5).pool(2).dense(128).classes(10).seed(1).build();
cnn.scaler(Scaler.pixels());
System.out.println(cnn);
cnn.graph()
// %% md
// **In PyTorch** the same network; `padding=2` keeps the image size as DeepToy's "same" convolution does:
//
// ```python
// from torch import nn
// cnn = nn.Sequential(nn.Conv2d(1, 16, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
//                     nn.Conv2d(16, 32, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
//                     nn.Flatten(), nn.Linear(32 * 7 * 7, 128), nn.ReLU(), nn.Linear(128, 10))
// opt = torch.optim.Adam(cnn.parameters(), lr=1e-3)
// schedule = torch.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.3)
// ```
//
// ## Training
// Adam, learning rate 0.001 (× 0.3 after 2 epochs), batches of 64. A convolution costs more than a dense
// layer of the same parameter count, because every weight is used at every position: four epochs over
// 60 000 digits take one and a half to two minutes on two cores (92 s to 119 s in our runs; the progress
// line shows this run's). On a class server where others train too it takes longer, with the same results.
// %%
int epochs = quick ? 1 : 4;
History h = cnn.fit(train, new FitOptions().epochs(epochs).batchSize(64)
        .optimizer(new Adam(1e-3).schedule(Schedule.step(2, 0.3))).seed(7));
double accuracy = cnn.score(test);
System.out.println(String.format("test accuracy: %.4f", accuracy));
// Notebook 6's MLP 784-512-256-10 with dropout, 8 epochs on digits moved by up to a pixel: 0.9878 on the same
// 10 000 test digits, 122 wrong.
System.out.println(String.format("CNN: %d parameters, %d of %d test digits wrong; MLP of notebook 6: 535818 parameters, 122 wrong",
        cnn.parameterCount(), Math.round((1 - accuracy) * test.size()), test.size()));
// %% md
// ## The filters
// The 16 first-layer filters `K1` `[16, 1, 5, 5]`, each stretched from its most negative (black) to its most
// positive (white) weight. They start random; a few epochs of training move them only a little, so most
// still look noisy, with here and there a light–dark split that responds to an edge at some angle.
// %%
Tensor k1 = cnn.graph().find("K1").value();
System.out.println("K1 " + Arrays.toString(k1.shape()));
Images.grid(k1, 8, null, Images.Options.defaults().scaling(Images.Scaling.PER_IMAGE).zoom(12))
// %% md
// And what they make of one digit: the 16 feature maps after the first convolution and ReLU (bright = the
// filter's pattern is present there).
// %%
ComputationalGraph fg = new ComputationalGraph();
Connection maps = fg.relu(fg.sum(fg.conv2d(fg.constant(Scaler.pixels().apply(test.x().rows(0, 1)).reshape(1, 1, 28, 28)),
        fg.constant(k1), 1, 2), fg.constant(cnn.graph().find("c1").value())));
Tensor featureMaps = new SimulationContext().forward(fg).value(maps).reshape(16, 28, 28);
Images.grid(featureMaps, 8, null, Images.Options.defaults().scaling(Images.Scaling.PER_IMAGE).zoom(3))
// %% md
// Where the 86 mistakes fall: the confusion matrix counts, for each true digit (row), how often the
// network predicted each digit (column). The right answers on the diagonal are blue; the mistakes off it
// are red, on a scale of their own, darkest for the most frequent one.
// %%
Charts.confusionMatrix(cnn.confusionMatrix(test), test.classNames())
// %% md
// The diagonal holds 9914 of the 10 000 test digits; the 86 mistakes are spread thinly, no cell off the
// diagonal above 7. The largest are the confusions a person would make too: 7 read as 9 (7 times), 9 read
// as 4 (6) and as 5 (5), 2 read as 8 and 7 read as 2 (4 each). By row, 7 (16 of its 1028 wrong), 9 (14 of
// 1009) and 8 (13 of 974) are the hardest digits, 1 the easiest (2 of 1135 wrong); by column, 9 is the
// answer most often given wrongly (15 times). These are the counts of the run stored with this notebook;
// another run moves a few digits from cell to cell.
//
// ## Exercises
// **1. The output size.** So far the filter moved one pixel at a time and stayed inside the image. Two
// options change that: the **stride** `s` is how far the filter moves between positions (`s = 2` skips every
// other position, halving the output like a pool), and **padding** `p` adds `p` zeros on each side of the
// image first (`p = 1` with a 3 × 3 filter keeps the size). A convolution over `in` pixels with a filter of
// `k`, stride `s` and padding `p` gives how many outputs? (Count the positions where the filter fits.)
// %% exercise
int convOutputSize(int in, int k, int stride, int padding) {
    // BEGIN SOLUTION
    return (in + 2 * padding - k) / stride + 1;
    // END SOLUTION
    // STUDENT: return in; // your code here
}
// %%
// Check: your formula against the shape DeepToy's conv2d produces, on random sizes.
MnistCnnChecks.outputSize((in, k, stride, padding) -> convOutputSize(in, k, stride, padding));
// %% md
// **2. im2col.** For one grey image `img` `[h][w]` and a `k × k` filter (stride 1, no padding), return the
// matrix `[k·k][positions]`: column `p` (positions row by row) holds the patch at `p`, read row by row.
// %% exercise points=3
double[][] im2col(double[][] img, int k) {
    // BEGIN SOLUTION
    int oh = img.length - k + 1, ow = img[0].length - k + 1;
    double[][] cols = new double[k * k][oh * ow];
    for (int i = 0; i < oh; i++)
        for (int j = 0; j < ow; j++)
            for (int u = 0; u < k; u++)
                for (int v = 0; v < k; v++) cols[u * k + v][i * ow + j] = img[i + u][j + v];
    return cols;
    // END SOLUTION
    // STUDENT: return new double[k * k][0]; // your code here
}
// %%
// Check: filters · your im2col against conv2d on a random image with random filters.
MnistCnnChecks.im2col((img, k) -> im2col(img, k));
