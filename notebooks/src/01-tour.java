// expect: text/html
// expect: image/png
// %% md
// # 1 · A tour of the DeepToy kernel
//
// In this course you build and train neural networks from their smallest parts, in Java, right
// here in the notebook. This first notebook shows you around.
//
// **You will learn**
// - how Java runs in a notebook: snippets instead of classes, and the value of the last line shown
// - how DeepToy shows things: a tensor as a table, a chart as a picture, anything with `display(...)`
// - where help is: **Tab** completes, **Shift-Tab** explains
// - how exercises work: you write code, the next cell checks it and tells you what is wrong
//
// Run a cell with **Shift-Enter**. Run the cells in order: each one may use what the ones above defined.

// %% md
// ## Java, one snippet at a time
//
// A cell holds Java statements: no class, no `main`. Variables and methods stay alive for the
// next cells. When the last line is an expression (no semicolon), its value is shown below the cell.

// %%
int a = 6;
int b = 7;
a * b

// %%
String greet(String name) {
    return "Hello, " + name + "!";
}
greet("DeepToy")

// %% md
// `var` lets Java infer the type. `java.util` (lists, maps, `Arrays`) is imported already, and so
// is DeepToy: `Tensor`, `ComputationalGraph`, `SimulationContext` and friends need no import.
// `System.out.println` prints while the cell runs.

// %%
var primes = new ArrayList<Integer>();
for (int n = 2; primes.size() < 10; n++) {
    boolean prime = true;
    for (int d = 2; d * d <= n; d++) {
        if (n % d == 0) prime = false;
    }
    if (prime) primes.add(n);
}
System.out.println("the first ten primes: " + primes);
System.out.println("their sum: " + primes.stream().mapToInt(Integer::intValue).sum());

// %% md
// ## Tensors
//
// A `Tensor` is DeepToy's array: a **shape** and numbers stored row by row. A matrix with 2 rows
// and 3 columns has shape `[2, 3]`. The kernel shows a tensor as a table.

// %%
var t = Tensor.matrix(new double[] {1, 2, 3},
                      new double[] {4, 5, 6});
t

// %% md
// Read it back with `shape()`, `get(row, column)` (counting from 0) and reductions like `sum()`:

// %%
System.out.println("shape " + Arrays.toString(t.shape()) + ", t[1, 2] = " + t.get(1, 2) + ", sum = " + t.sum());

// %% md
// Tensors are *values*: operations return new tensors and never change the old ones. Random
// tensors take a seed, so every run gives the same numbers.

// %%
var noise = Tensor.randomNormal(42, 3, 4);   // seed 42, shape [3, 4], values from N(0, 1)
noise

// %% md
// **In PyTorch** the same tensors (PyTorch seeds one global generator; DeepToy takes a seed with each call):
//
// ```python
// import torch
// t = torch.tensor([[1., 2, 3], [4, 5, 6]])
// t.shape, t[1, 2], t.sum()          # torch.Size([2, 3]), tensor(6.), tensor(21.)
// torch.manual_seed(42)
// noise = torch.randn(3, 4)          # shape [3, 4], values from N(0, 1)
// ```
//
// PyTorch's operations return new tensors too, except those whose name ends in `_` (`t.add_(1)` changes `t`).
//
// ## Charts
//
// Charts come from `org.deeptoy.kernel.render.Charts` (drawn with XChart). A chart as the last
// line of a cell is shown as a picture. Here are the two classic "squashing" functions a neuron
// can use, which come back in notebook 3:

// %%
import org.deeptoy.kernel.render.Charts;

double[] xs = new double[81], sigmoid = new double[81], tanh = new double[81];
for (int i = 0; i < xs.length; i++) {
    xs[i] = -4 + i * 0.1;
    sigmoid[i] = 1 / (1 + Math.exp(-xs[i]));
    tanh[i] = Math.tanh(xs[i]);
}
var curves = new LinkedHashMap<String, double[]>();
curves.put("sigmoid", sigmoid);
curves.put("tanh", tanh);
var chart = Charts.curves("Two squashing functions", "x", "f(x)", xs, curves);
chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideSE); // XChart's own settings work too
chart

// %% md
// ## `display(...)`
//
// Only the last line of a cell is shown. To show more, call `display(x)`: it draws `x` the richest
// way the kernel knows (a table for a tensor, a picture for a chart or a graph). It returns an id:
// `updateDisplay(id, y)` redraws that output in place, which is how training shows live progress.

// %%
display(Tensor.arange(5));
var id = display("counting ...");
for (int i = 1; i <= 3; i++) {
    updateDisplay(id, "counted to " + i);
}

// %% md
// ## Where help is
//
// - **Tab** after a dot lists what you can call: type `t.` and press Tab.
// - **Shift-Tab** inside a call shows its signature and documentation: put the cursor in
//   `Tensor.randomNormal(` and press Shift-Tab.
// - Errors name the cell line and, for DeepToy operations, the operation and the shapes involved.
//   Try `t.get(2, 0)` on the 2×3 tensor above.
// - Quick mode: when the environment sets `DEEPTOY_QUICK=1` (as the course's automatic tests do),
//   `Course.quick()` is true and later notebooks train on less data. You will normally see `false`:

// %%
Course.quick()

// %% md
// ## Exercises
//
// An exercise cell is yours to complete: replace the placeholder (`null`, `0`, ...) with your code,
// run it, then run the check cell below it. The check prints ✓ when your answer is right, or ✗ and
// what is wrong.
//
// **Exercise 1.** Make the tensor with 2 rows and 3 columns that holds 1, 2, 3 in its first row and
// 4, 5, 6 in its second, *without* copying `t` from above.

// %% exercise
Tensor mine = null;
// BEGIN SOLUTION
mine = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
// END SOLUTION
// STUDENT: // your code here: mine = ...
mine

// %%
TourChecks.firstTensor(mine, t);

// %% md
// **Exercise 2.** Write a function that returns the mean of each row of a matrix: for a matrix of
// shape `[m, n]`, a tensor of shape `[m]`. Use `x.dim(0)`, `x.dim(1)`, `x.get(i, j)` and
// `Tensor.vector(double...)`. The check compares it with DeepToy's `cg.mean(x, 1)` on a few matrices.

// %% exercise points=2
TensorFunction rowMeans = x -> {
    // BEGIN SOLUTION
    double[] means = new double[x.dim(0)];
    for (int i = 0; i < x.dim(0); i++) {
        for (int j = 0; j < x.dim(1); j++) {
            means[i] += x.get(i, j);
        }
        means[i] /= x.dim(1);
    }
    return Tensor.vector(means);
    // END SOLUTION
    // STUDENT: return null; // your code here
};
rowMeans.apply(t)

// %%
TourChecks.rowMeans(rowMeans);
