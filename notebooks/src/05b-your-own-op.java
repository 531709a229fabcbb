// expect: image/svg+xml
// expect: image/png
// expect: text: gradient check passed
// expect: text: test accuracy with swish:
// %% md
// # 5b · Your own op
//
// Every operation of DeepToy is one small class, its forward and its backward side by side, and the
// engine strings them together (the backward sweep of notebook 3c). Nothing about the built-in ones is
// special: a class written in a cell joins the library the same way. Here we add **swish** (also called
// SiLU), `y = x · σ(x)`, the activation of EfficientNet and, inside SwiGLU, of LLaMA; DeepToy does not
// have it. Then you add one yourself.
//
// **You will learn**
// - the op API: a class extending `Node` with `forward` and `backward`, added with `cg.add(op, name, inputs)`
// - an op's derivative by the product rule, and the gradient check on an op of your own
// - your op in a graph picture and in a model trained with `fit`
//
// The exercise: softplus, `ln(1 + eˣ)`, as an op.

// %% md
// ## The math
//
// With the sigmoid `σ(x) = 1 / (1 + e^{-x})` and its derivative `σ'(x) = σ(x)(1 − σ(x))` (notebook 3),
// the product rule gives swish's derivative:
//
// $$y = x\,\sigma(x), \qquad \frac{dy}{dx} = \sigma(x) + x\,\sigma(x)\bigl(1 - \sigma(x)\bigr)$$
//
// Element by element, so the backward of the op is `dL/dx = dL/dy · dy/dx` for each element. Like ReLU,
// swish is close to 0 for large negative `x` and close to `x` for large positive `x`, but it is smooth,
// and dips below 0 (to about −0.28 near `x = −1.28`):

// %%
import org.deeptoy.kernel.render.*;
import org.knowm.xchart.*;

double sigmoid(double v) {
    return 1 / (1 + Math.exp(-v));
}

double[] grid = new double[81];
var curves = new LinkedHashMap<String, double[]>();
curves.put("swish x·σ(x)", new double[grid.length]);
curves.put("its derivative", new double[grid.length]);
curves.put("relu", new double[grid.length]);
for (int i = 0; i < grid.length; i++) {
    double v = -5 + i * 0.125, s = sigmoid(v);
    grid[i] = v;
    curves.get("swish x·σ(x)")[i] = v * s;
    curves.get("its derivative")[i] = s + v * s * (1 - s);
    curves.get("relu")[i] = Math.max(v, 0);
}
Charts.curves("Swish, its derivative and relu", "x", "y", grid, curves)

// %% md
// ## The op
//
// An op is a subclass of `Node` (in `org.deeptoy.graph`, imported in every cell):
//
// - the constructor names the op, `super("swish")`: the name shown in graph pictures and errors;
// - `forward(Tensor[] in)` gets the values of the inputs (here one) and returns a **new** tensor (never
//   change an input: other ops read it too);
// - `backward(Tensor[] in, Tensor out, Tensor dy, boolean[] need)` gets the inputs, the output `y` of the
//   forward and `dy = dL/dy`, and returns one tensor per input, `dL/dx`, in the input's shape (or `null`
//   where `need[i]` is false: the engine does not want that gradient).
//
// The engine does the rest: it adds the gradients of a value used twice and sums a gradient of a broadcast
// input back to its shape (notebook 3c), and names the op when its forward throws or produces a NaN.
// `data()` is a tensor's storage, row by row; `Tensor.wrap(array, shape)` makes a tensor around an array.

// %%
class Swish extends Node {
    Swish() {
        super("swish");
    }

    @Override
    protected Tensor forward(Tensor[] in) {
        double[] x = in[0].data(), y = new double[x.length];
        for (int i = 0; i < x.length; i++) y[i] = x[i] * sigmoid(x[i]);
        return Tensor.wrap(y, in[0].shape());
    }

    @Override
    protected Tensor[] backward(Tensor[] in, Tensor out, Tensor dy, boolean[] need) {
        double[] x = in[0].data(), g = dy.data(), dx = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double s = sigmoid(x[i]);
            dx[i] = g[i] * (s + x[i] * s * (1 - s));
        }
        return new Tensor[] {Tensor.wrap(dx, in[0].shape())};
    }
}

// %% md
// `cg.add(new Swish(), "name", inputs...)` puts a new node into a graph and returns its output, as
// `cg.tanh(x, "name")` does for a built-in op (a node belongs to one graph: make a new one each time).
// A tiny graph, `L = sum(swish(x) · c)`, with the values of `x` and the gradients drawn:

// %%
var g = new ComputationalGraph();
var x = g.input("x");
var y = g.add(new Swish(), "y", x);
var L = g.reduceSum(g.multiply(y, g.constant(Tensor.vector(1, -1, 2)), "y·c")).named("L");
var ctx = new SimulationContext().forward(g, Map.of(x, Tensor.vector(-1.28, 0, 2))).backward(g, L);
show(g, ctx);

// %% md
// Read `∂L` of `x` from the right: at `x = −1.28` swish is near its minimum (`y = −0.278`), so its
// derivative and `dL/dx` are close to 0 (−0.000334); at 0 the derivative is `σ(0) = 0.5`, times `c = −1`;
// at 2 it is `σ(2) + 2σ(2)(1 − σ(2)) ≈ 1.09`, times 2: `2.18`.
//
// ## The gradient check
//
// The same test as for every op of the engine: the backward against finite differences, here for every
// element of a `[4, 5]` input drawn at random.

// %%
var xs = Tensor.randomNormal(new Random(1), 0, 2, 4, 5);
var h = new ComputationalGraph();
var in = h.input("x");
var loss = h.reduceSum(h.multiply(h.add(new Swish(), "swish", in), h.constant(Tensor.randomNormal(2, 4, 5)))).named("L");
System.out.println(GradientCheck.check(h, loss, Map.of(in, xs), List.of(in), GradientCheck.EPSILON, GradientCheck.TOLERANCE));

// %% md
// ## A model with your op, trained with `fit`
//
// `Mlp.builder()` offers the built-in activations only, but a model is just a graph: the Iris MLP of
// notebook 5, `scores = swish(x·W1 + b1)·W2 + b2` with 16 hidden units, written out with our op and
// wrapped in a `Classifier` (its inputs `x` and `labels`, its `scores` and `loss`, the shape of one example,
// and the optimizer `fit` uses by default). From then on it trains, scores and predicts like any model.

// %%
Dataset iris = Datasets.iris();
Split split = iris.split(0.3, 1); // the same 105 / 45 flowers as notebooks 4 and 5
Random init = new Random(1);
var net = new ComputationalGraph();
var features = net.input("x");
var labels = net.input("labels");
var W1 = net.variable(Tensor.randomNormal(init, 0, Math.sqrt(2.0 / 4), 4, 16), "W1");
var b1 = net.variable(Tensor.zeros(16), "b1");
var hidden = net.add(new Swish(), "h", net.sum(net.matrixMultiply(features, W1), b1, "x·W1 + b1"));
var W2 = net.variable(Tensor.randomNormal(init, 0, Math.sqrt(2.0 / 16), 16, 3), "W2");
var b2 = net.variable(Tensor.zeros(3), "b2");
var scores = net.sum(net.matrixMultiply(hidden, W2), b2, "scores");
var crossEntropy = net.softmaxCrossEntropy(scores, labels, "loss");
var model = new Classifier(net, features, labels, scores, crossEntropy, new int[] {4}, () -> new Adam(0.01));
model.scaler(Scaler.standardize(split.train()));
net

// %%
int epochs = Course.pick(100, 30);
History history = model.fit(split.train(), new FitOptions().epochs(epochs).batchSize(16).seed(1));
System.out.println(String.format("test accuracy with swish: %.4f (%d epochs)", model.score(split.test()), epochs));

// %% md
// The loss falls as in notebook 5, and the swish MLP gets 44 of the 45 test flowers right (0.9778), as
// notebook 5's ReLU MLP did (16 hidden units, Adam 0.01, 100 epochs; it kept a fifth of its training flowers
// for validation): Iris is too easy to tell activations apart. What matters here is that an op written in a
// cell went through everything the built-in ones go through: a graph picture, the gradient check, `fit`.
//
// **In PyTorch** the same op is a `torch.autograd.Function` with a `forward` and a `backward`:
//
// ```python
// class Swish(torch.autograd.Function):
//     @staticmethod
//     def forward(ctx, x):
//         ctx.save_for_backward(x)
//         return x * torch.sigmoid(x)
//
//     @staticmethod
//     def backward(ctx, dy):
//         x, = ctx.saved_tensors
//         s = torch.sigmoid(x)
//         return dy * (s + x * s * (1 - s))
//
// y = Swish.apply(x)
// ```
//
// ## Exercise
//
// **Softplus as an op.** Softplus, `y = ln(1 + eˣ)`, is a smooth ReLU. Derive its derivative (the
// derivative of `ln(u)` is `u' / u`) and complete the class: its forward and its backward, element by
// element as in `Swish`. The check builds graphs with new `Softplus()` nodes on random inputs of two
// shapes, compares both passes with the formulas and runs the gradient check.

// %% exercise points=2
class Softplus extends Node {
    Softplus() {
        super("softplus");
    }

    @Override
    protected Tensor forward(Tensor[] in) {
        double[] x = in[0].data(), y = new double[x.length];
        // BEGIN SOLUTION
        for (int i = 0; i < x.length; i++) y[i] = Math.log(1 + Math.exp(x[i]));
        // END SOLUTION
        // STUDENT: // your code here: y[i] = ...
        return Tensor.wrap(y, in[0].shape());
    }

    @Override
    protected Tensor[] backward(Tensor[] in, Tensor out, Tensor dy, boolean[] need) {
        double[] x = in[0].data(), g = dy.data(), dx = new double[x.length];
        // BEGIN SOLUTION
        for (int i = 0; i < x.length; i++) dx[i] = g[i] / (1 + Math.exp(-x[i]));
        // END SOLUTION
        // STUDENT: // your code here: dx[i] = ...
        return new Tensor[] {Tensor.wrap(dx, in[0].shape())};
    }
}

// %%
OwnOpChecks.softplus(() -> new Softplus());
