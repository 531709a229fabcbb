// expect: image/svg+xml
// expect: text/html
// %% md
// # 2 · The computational graph
//
// Every deep-learning library, from PyTorch to TensorFlow, turns your formulas into a
// **computational graph**: operations (boxes) connected by the values flowing between them.
// DeepToy lets you build that graph by hand and look at it.
//
// **You will learn**
// - to build a graph from constants, inputs and variables with `cg.sum`, `cg.multiply`, ...
// - that building a graph computes nothing: a `SimulationContext` runs it (`forward`) and keeps the values
// - to read values with `ctx.get(connection).value()`, and to draw the graph before and after `forward`
// - why inputs and variables differ: data is fed in, weights are learned

// %% md
// ## 1 + 2 as a graph
//
// A `ComputationalGraph` starts empty. `cg.constant(1)` adds a constant; `cg.sum(a, b)` adds a
// *sum* operation reading `a` and `b`, and returns its output: a `Connection`, the edge that
// carries the result to whatever uses it next.

// %%
var cg = new ComputationalGraph();
var one = cg.constant(1);
var two = cg.constant(2);
var sum = cg.sum(one, two);
sum

// %% md
// `sum` is not a number: it is a place in the graph where a number will be. Shown as the last line
// of a cell, a graph is drawn as a picture: grey pills are constants, blue boxes operations.

// %%
cg

// %% md
// ## Running the graph: the simulation context
//
// A `SimulationContext` runs the graph. `forward` walks the operations in order, computing each
// output from its inputs, and keeps every value. `ctx.get(c).value()` reads the value of a connection
// as a `Tensor`; `item()` turns a one-number tensor into a `double`.

// %%
var ctx = new SimulationContext().forward(cg);
ctx.get(sum).value().item()

// %% md
// `show(cg, ctx)` draws the graph with the values of the context's last forward pass (in green):

// %%
show(cg, ctx);

// %% md
// Why keep values outside the graph? Because one graph is run many times, on different data:
// each run (each context) holds its own values, and the graph stays a pure description of the
// computation. The same graph can also be rebuilt by a loop or a method, as you will do below.
//
// ## Inputs: data fed at run time
//
// `cg.input("x")` is a constant without a value: its value is given to `forward` in a map. Names
// (the last argument of most methods) show up in pictures and error messages.

// %%
var g = new ComputationalGraph();
var x = g.input("x");
var w = g.variable(0.5, "w");
var b = g.variable(1, "b");
var y = g.sum(g.multiply(w, x, "w·x"), b, "y");
g

// %% md
// This is a tiny *neuron*: `y = w·x + b`. `w` and `b` are **variables** (orange): numbers a
// training algorithm will change to make `y` useful. `x` is an **input** (dashed): the data.
// Feed `x = 4`:

// %%
var run1 = new SimulationContext().forward(g, Map.of(x, Tensor.scalar(4)));
show(g, run1);
run1.get(y).value().item()

// %% md
// Tensors flow through graphs, not just numbers. Feed four values of `x` at once: `w` and `b` are
// single numbers, and DeepToy *broadcasts* them to the shape of `x` (the same rules as numpy).
// Each box now shows a tensor of shape `[4]`.

// %%
var run2 = new SimulationContext().forward(g, Map.of(x, Tensor.vector(-1, 0, 1, 2)));
show(g, run2);
run2.get(y).value()

// %% md
// A variable keeps its value in the graph. `set` changes it, as an optimizer will; run forward
// again to see the effect. `run1` still holds the old values: a context is a snapshot of one run.

// %%
w.set(Tensor.scalar(2));
var run3 = new SimulationContext().forward(g, Map.of(x, Tensor.scalar(4)));
System.out.println("before: y = " + run1.get(y).value().item() + ", after w = 2: y = " + run3.get(y).value().item());

// %% md
// ## Summary
// - `cg.constant`, `cg.input`, `cg.variable` make the leaves; `cg.sum`, `cg.multiply`, `cg.exp`, ...
//   add operations and return their output connection.
// - Building computes nothing. `new SimulationContext().forward(cg, Map.of(input, tensor))` computes,
//   `ctx.get(c).value()` reads.
// - `cg` draws the graph, `show(cg, ctx)` draws it with a run's values.
//
// **In PyTorch** there is no separate building step: the graph is recorded while the numbers are computed
// ("define by run"), for every tensor made with `requires_grad=True` and everything computed from it. A
// graph is rebuilt at every run, so ordinary Python `if` and `for` decide its shape:
//
// ```python
// import torch
// x = torch.tensor(3.0)                       # data: like cg.input, fed by computing with it
// w = torch.tensor(2.0, requires_grad=True)   # a weight: like cg.variable
// y = w * x + 1                               # computed now: y = tensor(7., grad_fn=<AddBackward0>)
// y.grad_fn.next_functions                    # the recorded graph, walked from y backwards
// ```
//
// ## Exercises
//
// **Exercise 1.** In a new graph `mine`, build `(2 + 3) × 4` from the constants 2, 3 and 4, and put
// its output in `result`. Mind the order: which operation has to happen first?

// %% exercise
var mine = new ComputationalGraph();
Connection result = null;
// BEGIN SOLUTION
result = mine.multiply(mine.sum(mine.constant(2), mine.constant(3)), mine.constant(4));
// END SOLUTION
// STUDENT: // your code here: result = ...
mine

// %%
GraphChecks.firstGraph(mine, result);

// %% md
// **Exercise 2.** Write a method that, given a graph `cg` and its input `x`, adds the operations
// computing `y = x² + 3x + 1` and returns `y`. Build `x²` as `x · x`; constants come from
// `cg.constant(...)`. The check feeds several values of `x` at once.

// %% exercise points=2
Connection polynomial(ComputationalGraph cg, Connection x) {
    // BEGIN SOLUTION
    var square = cg.multiply(x, x);
    var linear = cg.multiply(cg.constant(3), x);
    return cg.sum(cg.sum(square, linear), cg.constant(1));
    // END SOLUTION
    // STUDENT: return null; // your code here
}

// %%
GraphChecks.polynomial((graph, input) -> polynomial(graph, input));
