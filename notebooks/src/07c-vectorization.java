// expect: text: loop version:
// expect: text: tensor version:
// expect: text: nearest neighbour accuracy
// %% md
// # 7c · Vectorization: the same computation with loops and with tensors
//
// **What you will learn**
// - why deep-learning code is written with operations on whole tensors (matrix products, broadcasting,
//   sums along an axis) rather than loops over single numbers;
// - how to turn a sum over pairs into a matrix product, with the squared distance as the example;
// - how much faster the tensor version is, measured.
//
// This is the distance exercise of Stanford's CS231n (for a nearest-neighbour classifier), on CIFAR-10
// photos. You write both versions: the loop one first, then the tensor one, and the notebook times them.
// %%
boolean quick = Course.quick();
Split cifar = Datasets.cifar10();
// Photos as rows of 3072 numbers in [0, 1]: a few hundred test photos, a few thousand training photos.
Dataset known = cifar.train().first(quick ? 500 : 5000), asked = cifar.test().first(quick ? 50 : 500);
Tensor B = Scaler.pixels().apply(known.flatten().x()), A = Scaler.pixels().apply(asked.flatten().x());
System.out.println("A " + Arrays.toString(A.shape()) + " (test photos), B " + Arrays.toString(B.shape()) + " (training photos)");
// %% md
// ## The computation
// For every test photo `a_i` (a row of `A`, `m` rows) and every training photo `b_j` (a row of `B`, `n`
// rows), the squared distance
//
// $$D_{ij} = \sum_{k=1}^{d} (a_{ik} - b_{jk})^2 .$$
//
// A nearest-neighbour classifier gives each test photo the class of the training photo at the smallest
// distance. Written as loops, `D` takes `m · n · d` subtractions and multiplications: 500 · 5000 · 3072
// is about 7.7 billion of each.
//
// ## Exercises
// **1. The loop version.** Return `D` as an `m × n` array, `D[i][j]` for row `i` of `a` and row `j` of `b`,
// with plain loops over the arrays.
// %% exercise
double[][] distancesLoop(double[][] a, double[][] b) {
    // BEGIN SOLUTION
    double[][] d = new double[a.length][b.length];
    for (int i = 0; i < a.length; i++) {
        for (int j = 0; j < b.length; j++) {
            double s = 0;
            for (int k = 0; k < a[i].length; k++) {
                double diff = a[i][k] - b[j][k];
                s += diff * diff;
            }
            d[i][j] = s;
        }
    }
    return d;
    // END SOLUTION
    // STUDENT: return new double[a.length][b.length]; // your code here
}
// %%
// Check: your loop version on small matrices.
VectorizationChecks.distancesLoop((a, b) -> distancesLoop(a, b));
// %% md
// **2. The tensor version.** Expand the square: $(a - b)^2 = a^2 - 2ab + b^2$, so
//
// $$D_{ij} = \underbrace{\sum_k a_{ik}^2}_{\text{one number per row of } A} \;-\; 2\,\underbrace{\sum_k a_{ik} b_{jk}}_{(A B^\top)_{ij}} \;+\; \underbrace{\sum_k b_{jk}^2}_{\text{one per row of } B}.$$
//
// The middle term for all pairs at once is one matrix product, which DeepToy hands to BLAS (the optimised
// routines numpy and PyTorch use too). The two outer terms are row sums of squares, and broadcasting adds a
// column `[m, 1]` and a row `[n]` into a matrix `[m, n]`. Build `D` as a graph from the inputs `a` `[m, d]`
// and `b` `[n, d]` with whole-tensor ops only: `cg.square`, `cg.reduceSum(x, axis)` and
// `cg.reduceSum(x, axis, true)` (keeps the summed axis with size 1), `cg.matrixMultiply`, `cg.transpose`,
// `cg.sum`, `cg.subtract`, `cg.multiply` and `cg.constant(Tensor.scalar(...))`.
// %% exercise points=3
Connection distances(ComputationalGraph cg, Connection a, Connection b) {
    // BEGIN SOLUTION
    Connection aa = cg.reduceSum(cg.square(a), 1, true); // [m, 1]
    Connection bb = cg.reduceSum(cg.square(b), 1);       // [n]
    Connection ab = cg.matrixMultiply(a, cg.transpose(b)); // [m, n]
    return cg.subtract(cg.sum(aa, bb), cg.multiply(cg.constant(Tensor.scalar(2)), ab));
    // END SOLUTION
    // STUDENT: return a; // your code here
}
// %%
// Check: your tensor version on small matrices.
VectorizationChecks.distances((cg, a, b) -> distances(cg, a, b));
// %% md
// ## Timed
// Both versions on the photos above. The loop version works on `double[][]` copies of `A` and `B`; the
// tensor version runs the graph. In full mode the loop version takes 5 to 16 s in our runs (longer on a busy
// machine).
// %%
double[][] rowsOf(Tensor t) {
    double[][] r = new double[t.dim(0)][];
    for (int i = 0; i < r.length; i++) r[i] = Arrays.copyOfRange(t.data(), i * t.dim(1), (i + 1) * t.dim(1));
    return r;
}
double[][] a = rowsOf(A), b = rowsOf(B);
long t0 = System.nanoTime();
double[][] loopD = distancesLoop(a, b);
double loopSeconds = (System.nanoTime() - t0) / 1e9;
System.out.printf("loop version:   %.3f s for %d × %d distances%n", loopSeconds, a.length, b.length);

ComputationalGraph cg = new ComputationalGraph();
Connection ca = cg.input("a"), cb = cg.input("b");
Connection d = distances(cg, ca, cb);
t0 = System.nanoTime();
Tensor tensorD = new SimulationContext().forward(cg, Map.of(ca, A, cb, B), d).value(d);
double tensorSeconds = (System.nanoTime() - t0) / 1e9;
System.out.printf("tensor version: %.3f s, %.0f times faster%n", tensorSeconds, loopSeconds / tensorSeconds);
if (Arrays.equals(tensorD.shape(), new int[] {a.length, b.length})) {
    double worst = 0;
    for (int i = 0; i < a.length; i++) for (int j = 0; j < b.length; j++) worst = Math.max(worst, Math.abs(loopD[i][j] - tensorD.get(i, j)));
    System.out.printf("largest difference between the two: %.2g%n", worst);
} else {
    System.out.println("the two versions differ in shape: " + Arrays.toString(tensorD.shape()));
}
// %% md
// Both give the same 2.5 million distances (they differ by about 10⁻¹⁰, rounding in a different order).
// When this notebook was stored, the loops took 5.5 s and the tensor version 0.9 s: 6 times faster (an
// earlier run on a busier machine took 16.0 s and 2.4 s); the figures move from run to run. The work is the
// same, about 7.7 billion multiply-adds, 15 billion floating-point operations (FLOP) counting two per
// multiply-add: the loop ran at about 2.8 GFLOP/s (billions per second), the tensor version at about 17.
// The loop does one multiply-add at a time, in an order that reads `b` row after row for every `a_i`; the
// matrix product runs OpenBLAS, which works on small blocks that stay in the CPU's cache and does several
// multiply-adds per instruction (SIMD).
//
// 17 GFLOP/s is still far below what OpenBLAS can do: notebook 9 measures the product alone at up to about
// 95 GFLOP/s (and the pure-Java EJML backend at about 5). The time above is the whole graph, run once:
// squaring and summing the 17 million numbers of `A` and `B`, transposing `B` (a copy of 15 million
// numbers), copying the operands into native memory for OpenBLAS, all in code the JVM compiles the first
// time it runs, with no warm-up and no repetition; notebook 9 shows how to measure a speed fairly. (The
// kernel gives OpenBLAS every core when it runs for you alone, one core under JupyterHub, where many
// kernels share the machine.) The lesson holds all the same for every layer of a network: `fit` spends
// its time in a few matrix products, never in loops over single numbers.
//
// **In PyTorch** three ways to the same `D`, for `A` `[500, 3072]` and `B` `[5000, 3072]` (tensors), and the
// nearest neighbour of the next cell (`y_train`, `y_test` the labels of `B`'s and `A`'s photos):
//
// ```python
// D = torch.empty(500, 5000)
// for i in range(500):                                     # loops: 2.5 million steps, each a few tensor
//     for j in range(5000):                                # operations called one at a time from Python
//         D[i, j] = ((A[i] - B[j]) ** 2).sum()
// D = ((A[:, None, :] - B[None, :, :]) ** 2).sum(dim=2)    # broadcasting: builds a [500, 5000, 3072] tensor first
// D = torch.cdist(A, B) ** 2                               # the library: the expansion above, one matrix product
// nearest = D.argmin(dim=1)
// accuracy = (y_train[nearest] == y_test).float().mean()
// ```
//
// The broadcast line reads like the formula, but it first holds all 7.7 billion differences: about 31 GB in
// `float32`, more memory than most machines have. `torch.cdist` returns the distance `√D`, hence the square;
// for the Euclidean distance it uses the expanded form with a matrix product once either side has more than 25
// rows (its default `compute_mode`).
//
// ## A use: the nearest neighbour
// Each test photo gets the class of its nearest training photo (the smallest `D[i][j]` in its row, found as
// the largest of `−D`):
// %%
Connection negative = cg.negate(d);
int[] nearest = tensorD.rank() == 2 && tensorD.dim(1) == b.length
        ? new SimulationContext().forward(cg, Map.of(ca, A, cb, B), negative).value(negative).argmaxRows() : new int[0];
int right = 0;
for (int i = 0; i < nearest.length; i++) if (known.labels()[nearest[i]] == asked.labels()[i]) right++;
System.out.printf("nearest neighbour accuracy on %d test photos: %.3f (chance 0.10)%n", asked.size(), (double) right / asked.size());
// %% md
// 0.274 on 500 test photos (chance 0.10): a nearest neighbour in raw pixels finds photos with similar
// colours and layout, not the same object, and it is below the linear SVM of notebook 7 (0.41),
// although it keeps all 5000 training photos instead of ten templates. Comparing a test photo with every
// training photo also gets slower as the training set grows; the SVM's cost does not.
