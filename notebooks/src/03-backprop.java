// expect: image/svg+xml
// expect: text/html
// expect: text: gradient check passed
// %% md
// # 3 · Forward and backward propagation
//
// To learn, a network needs to know how each of its numbers affects the loss: the **gradient**.
// Backward propagation computes all gradients of a graph in one pass backwards, with the chain rule.
//
// **You will learn**
// - the chain rule by hand on a small expression, next to the engine's gradients
// - how to read gradients on the graph picture
// - how the **gradient check** tests any backward against finite differences
// - what broadcasting and reuse do to a gradient: they add up
//
// Notation: for a loss `L`, the gradient of a connection `c` is `dL/dc`, a tensor of `c`'s shape
// saying how much `L` changes when `c` moves a little.

// %% md
// ## The chain rule by hand
//
// Take `f = (x + y) · z` at `x = -2`, `y = 5`, `z = -4`. Name the intermediate `q = x + y`, so that
// `f = q · z`. Forward: `q = 3`, `f = -12`. Backward, starting from `df/df = 1`:
//
// - `f = q · z`, so `df/dz = q = 3` and `df/dq = z = -4`
// - `q = x + y`, so `dq/dx = 1` and `dq/dy = 1`; by the chain rule
//   `df/dx = df/dq · dq/dx = -4` and `df/dy = df/dq · dq/dy = -4`
//
// In Java, by hand:

// %%
double xv = -2, yv = 5, zv = -4;
double q = xv + yv, f = q * zv;           // forward
double dfdq = zv, dfdz = q;               // backward through the product
double dfdx = dfdq * 1, dfdy = dfdq * 1;  // backward through the sum
System.out.println("f = " + f + "   df/dx = " + dfdx + "   df/dy = " + dfdy + "   df/dz = " + dfdz);

// %% md
// Now the same with the engine. `ctx.backward(cg, loss)` seeds `dL/dL = 1` at the loss and walks
// the graph backwards; each operation turns the gradient of its output into gradients of its
// inputs, knowing only its own derivative. Read them with `ctx.get(c).gradient()`.

// %%
var cg = new ComputationalGraph();
var x = cg.variable(-2, "x");
var y = cg.variable(5, "y");
var z = cg.variable(-4, "z");
var fc = cg.multiply(cg.sum(x, y, "q"), z, "f");
var ctx = new SimulationContext().forward(cg).backward(cg, fc);
for (var c : List.of(x, y, z)) {
    System.out.println("d" + fc.name() + "/d" + c.name() + " = " + ctx.get(c).gradient().item());
}

// %% md
// The same numbers. After `backward`, `show(cg, ctx)` shows each gradient in red under the value:

// %%
show(cg, ctx);

// %% md
// ## A value used twice
//
// If a value feeds two operations, a change in it changes the result through both paths, so its
// gradient is the **sum** of the two contributions. For `g = x · x`, each input of the product
// receives `x`, and the engine adds them: `dg/dx = 2x`.

// %%
var sq = new ComputationalGraph();
var t = sq.variable(3, "t");
var tt = sq.multiply(t, t, "t·t");
new SimulationContext().forward(sq).backward(sq, tt).get(t).gradient().item()

// %% md
// ## The gradient check
//
// How do we know a backward is right? Compare it with **finite differences**: nudge one number by
// a tiny `ε` both ways and see how the loss moves,
//
// `dL/dx ≈ (L(x + ε) - L(x - ε)) / 2ε`.
//
// By hand, for `x` in `f = (x + y) · z`:

// %%
double eps = 1e-6;
x.set(Tensor.scalar(-2 + eps));
double up = new SimulationContext().forward(cg).get(fc).value().item();
x.set(Tensor.scalar(-2 - eps));
double down = new SimulationContext().forward(cg).get(fc).value().item();
x.set(Tensor.scalar(-2));
(up - down) / (2 * eps)

// %% md
// `GradientCheck` does this for every element of every variable, and reports the largest
// relative error. Here on a real neuron layer, `sigmoid(X·W + b)` for a batch of 4 inputs with 3
// features each and 2 outputs, reduced to one number:

// %%
var layer = new ComputationalGraph();
var X = layer.input("X");
var W = layer.variable(Tensor.randomNormal(1, 3, 2), "W");
var bias = layer.variable(Tensor.vector(0.1, -0.2), "b");
var out = layer.sigmoid(layer.sum(layer.matrixMultiply(X, W), bias), "out");
var loss = layer.reduceSum(out).named("loss");
var batch = Tensor.randomNormal(2, 4, 3);
System.out.println(GradientCheck.check(layer, loss, Map.of(X, batch)));
layer

// %% md
// Every backward in DeepToy is tested this way. You will use it for your own code below.
//
// ## Broadcasting and gradients
//
// In `X·W + b` above, `X·W` has shape `[4, 2]` but `b` has shape `[2]`: broadcasting copied `b`
// into each of the 4 rows. Each copy is a use of `b`, and uses add up, so
// `dL/db` is `dL/d(X·W + b)` **summed over the rows**. With `L` the plain sum of `y = X + b`,
// every `dL/dy` is 1, so each entry of `b` gets 4 (one per row):

// %%
var bc = new ComputationalGraph();
var rows = bc.input("X");
var shift = bc.variable(Tensor.vector(1, 2, 3), "b");
var sumOfAll = bc.reduceSum(bc.sum(rows, shift, "y")).named("L");
var run = new SimulationContext().forward(bc, Map.of(rows, Tensor.zeros(4, 3))).backward(bc, sumOfAll);
show(bc, run);
run.get(shift).gradient()

// %% md
// The gradient of `b` has `b`'s shape `[3]`, not `y`'s `[4, 3]`: a gradient always has the shape
// of what it is the gradient of.
//
// ## Summary
// - `ctx.backward(cg, loss)` fills `ctx.get(c).gradient()` for everything the loss depends on.
// - Each op multiplies its own local derivative by the gradient arriving from above (the chain rule).
// - Gradients add up: over a value used twice, and over the copies broadcasting made.
// - `GradientCheck.check(cg, loss, feeds)` compares backward with finite differences.
//
// **In PyTorch** `backward` is a method of the loss, and each leaf keeps its gradient in `.grad`:
//
// ```python
// import torch
// x = torch.tensor(-2.0, requires_grad=True)
// y = torch.tensor(5.0, requires_grad=True)
// z = torch.tensor(-4.0, requires_grad=True)
// f = (x + y) * z
// f.backward()                        # seeds df/df = 1 and walks the recorded graph backwards
// x.grad, y.grad, z.grad              # tensor(-4.), tensor(-4.), tensor(3.)
// torch.autograd.gradcheck(lambda a: (a * a).sum(), torch.randn(3, dtype=torch.float64, requires_grad=True))
// ```
//
// Only leaves created with `requires_grad=True` keep `.grad` (DeepToy keeps every connection's gradient, for
// teaching); `retain_grad()` keeps an intermediate one. Gradients add up there too, across calls of
// `backward`, until `zero_grad` clears them (notebook 3c).
//
// ## Exercises
//
// **Exercise 1: sigmoid backward.** `y = sigmoid(x) = 1 / (1 + e^-x)` has the derivative
// `dy/dx = y · (1 - y)`. Given the input `x`, the output `y` and the gradient `dy = dL/dy` arriving
// from above, return `dL/dx`. The check compares your function with DeepToy's sigmoid, then
// plugs it into an operation and runs the gradient check.

// %% exercise
Backward sigmoidBackward = (xIn, yOut, dy) -> {
    // BEGIN SOLUTION
    return dy * yOut * (1 - yOut);
    // END SOLUTION
    // STUDENT: return 0; // your code here
};

// %%
BackpropChecks.sigmoidBackward(sigmoidBackward);

// %% md
// **Exercise 2: the chain rule.** For `L = (a · b + c)²`, return the three gradients
// `{dL/da, dL/db, dL/dc}` at any `a`, `b`, `c`. Name the intermediates (`u = a · b`, `v = u + c`,
// `L = v²`) and go backwards as in `f = (x + y) · z` above.

// %% exercise points=2
Gradients chainRule = (a, b, c) -> {
    // BEGIN SOLUTION
    double v = a * b + c;
    double dLdv = 2 * v;
    return new double[] {dLdv * b, dLdv * a, dLdv};
    // END SOLUTION
    // STUDENT: return new double[] {0, 0, 0}; // your code here: {dL/da, dL/db, dL/dc}
};

// %%
BackpropChecks.chainRule(chainRule);

// %% md
// **Exercise 3: a broadcast gradient.** In `y = X + b`, `X` has shape `[m, n]` and `b` has shape
// `[n]`. Given `dy = dL/dy` of shape `[m, n]`, return `dL/db` (shape `[n]`).

// %% exercise points=2
TensorFunction biasGradient = dy -> {
    // BEGIN SOLUTION
    double[] db = new double[dy.dim(1)];
    for (int i = 0; i < dy.dim(0); i++) {
        for (int j = 0; j < dy.dim(1); j++) {
            db[j] += dy.get(i, j);
        }
    }
    return Tensor.vector(db);
    // END SOLUTION
    // STUDENT: return null; // your code here
};

// %%
BackpropChecks.broadcastGradient(biasGradient);
