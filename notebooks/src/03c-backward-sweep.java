// expect: image/svg+xml
// expect: text: the check says
// %% md
// # 3c · The backward sweep
//
// In notebook 3, `ctx.backward(cg, loss)` filled in every gradient of a graph, and each operation knew
// only its own derivative. The loop that strings those local derivatives together is **reverse-mode
// differentiation**, the heart of every deep-learning library (PyTorch's autograd, TensorFlow's
// GradientTape). Here you write it yourself, over DeepToy's graphs; the engine's
// `SimulationContext.backward` is the same loop, and the exercises check yours against it.
//
// **You will learn**
// - the rule the sweep repeats: the chain rule at one operation, and the sum over the places a value is used
// - a **topological order** of a graph, and why the sweep walks it backwards
// - why a table of gradients is cleared when a pass starts
// - the classic bugs (no accumulation, no clearing, the wrong order), what they do to the gradients and
//   what the check says about each
//
// Notation as in notebook 3: for the loss `L`, `dL/dc` is the gradient of a connection `c`, a tensor of
// `c`'s shape.

// %% md
// ## The example
//
// A small neuron whose output is used three times: `h = tanh(x·w + b)` for a batch `x` of two rows with
// two features, then `L = mean(h·h + h)`. `w` (shape `[2]`) and `b` (one number) are broadcast to the
// shape `[2, 2]` of `x`.

// %%
var cg = new ComputationalGraph();
var x = cg.input("x");
var w = cg.variable(Tensor.vector(0.5, -1), "w");
var b = cg.variable(0.1, "b");
var h = cg.tanh(cg.sum(cg.multiply(x, w, "x·w"), b, "x·w + b"), "h");
var loss = cg.mean(cg.sum(cg.multiply(h, h, "h·h"), h, "h·h + h")).named("L");
var X = Tensor.matrix(new double[] {1, 2}, new double[] {-1, 0.5});
var ctx = new SimulationContext().forward(cg, Map.of(x, X));
show(cg, ctx);

// %% md
// Three arrows leave `h`: two into `h·h` (both inputs of the product are `h`) and one into `h·h + h`.
//
// ## The rule at one operation
//
// Take an operation `y = f(x₁, …, x_k)`. If `dL/dy` is known, the chain rule gives each input's share:
//
// $$\frac{\partial L}{\partial x_i} \;\leftarrow\; \frac{\partial L}{\partial y}\,\frac{\partial y}{\partial x_i}$$
//
// The second factor is the operation's **local derivative**: it depends on the operation alone. Every
// DeepToy operation has its local rule next to its forward (notebook 3's sigmoid exercise wrote one);
// the ones in this notebook are
//
// | operation | dL/dx for each input, given dy = dL/dy |
// |---|---|
// | `y = a + b` | `dL/da = dy`, `dL/db = dy` |
// | `y = a · b` (element by element) | `dL/da = dy · b`, `dL/db = dy · a` |
// | `y = tanh(a)` | `dL/da = dy · (1 − y²)` |
// | `y = mean(a)` over `n` values | `dL/da = dy / n` for every element |
//
// and an input that forward broadcast gets its share **summed back** to its own shape (notebook 3's
// bias exercise). `ctx.inputGradients(node, dy)` applies a node's rule with the values of `ctx`'s
// forward pass, and returns one tensor per input, in that input's shape. For `h·h`, with `dy` all ones:

// %%
Node square = cg.find("h·h").producer();
Tensor[] shares = ctx.inputGradients(square, Tensor.ones(2, 2));
System.out.println(square.describe() + " has " + square.inputs().size() + " inputs, both " + square.inputs().get(0).label());
System.out.println("share of the first:  " + shares[0]);
System.out.println("share of the second: " + shares[1]);
System.out.println("h itself:            " + ctx.value(h));

// %% md
// Each input's share is `dy · (the other input)`, that is `h`. Both shares belong to the same value `h`.
// And for `x·w`, where `w` of shape `[2]` was broadcast over the 2 rows of `x`:

// %%
Node times = cg.find("x·w").producer();
Tensor[] wShares = ctx.inputGradients(times, Tensor.ones(2, 2));
System.out.println("dL/dx share: shape " + Arrays.toString(wShares[0].shape()) + ", dL/dw share: shape "
        + Arrays.toString(wShares[1].shape()) + " = " + wShares[1] + " (x's columns summed: 1 - 1 and 2 + 0.5)");

// %% md
// ## Where a value feeds several places: add
//
// `h` reaches `L` along three paths. Move `h` a little and `L` moves through all three, so the
// multivariable chain rule sums over the uses: for a value `v` read by the operations `y₁, …, y_m`,
//
// $$\frac{\partial L}{\partial v} = \sum_{j=1}^{m} \frac{\partial L}{\partial y_j}\,\frac{\partial y_j}{\partial v}$$
//
// So a sweep keeps a **table** from connections to gradients, and each share that arrives at a value is
// **added** to what the table holds for it (`grad.merge(v, share, Tensor::plus)` adds a share to a
// `Map<Connection, Tensor>`, or puts it when the value has none yet).
//
// ## The order: a topological order, walked backwards
//
// An operation may pass its gradient on only when `dL/dy` is complete, that is after **every** operation
// that reads `y` has added its share. Those operations come later in the forward direction. A
// **topological order** lists each operation after the operations computing its inputs (the order
// forward runs in); walked from its end, every operation comes after all the operations that read its
// output. `cg.nodes()` lists the operations in the order they were created, which is one such order:

// %%
List<Node> created = cg.nodes();
for (int i = 0; i < created.size(); i++) {
    System.out.println((i + 1) + ". " + created.get(i).output().label() + " = " + created.get(i).describe());
}

// %% md
// A library cannot always use the creation order: a graph holds operations the loss does not depend on
// (a metric, a branch of another loss), and in PyTorch there is no list at all, only each value's link to
// the operation that made it. So the order is found from the loss, by a **depth-first walk**: to place the
// operation computing a connection, first place the operations computing each of its inputs, then the
// operation itself; a connection that no operation computes (a variable, an input, a constant) has nothing
// to place. An operation whose output is used twice (here `tanh`) is reached twice: place it once.
//
// ## The sweep
//
// Reverse-mode differentiation is then, for one loss:
//
// 1. **clear** the table (it may hold the last pass's gradients);
// 2. set `dL/dL = 1` (a tensor of ones of the loss's shape);
// 3. for each operation in reverse topological order: read `dL/dy` of its output from the table, apply
//    its local rule, and **add** each input's share into the table.
//
// The engine does exactly this in `ctx.backward(cg, loss)`, and `show` draws its gradients in red (∂L):
// these are the numbers your sweep must give.

// %%
ctx.backward(cg, loss);
show(cg, ctx);

// %% md
// Read it from the right: `∂L = 1` at `L`; `mean` of 4 values gives each a share `1/4 = 0.25`; `h·h + h`
// passes 0.25 to both of its inputs; `h·h` gives `h` two shares of `0.25 · h`, and the sum one of 0.25, so
// `h` gets `0.25 · (2h + 1)`, at the first element `0.25 · (2 · 0.537 + 1) = 0.519`, the three shares
// added. Below `h`, `tanh`, the sum and the product pass it on, and `w`'s gradient is its share from
// `x·w` summed over the two rows.

// %% md
// ## The classic bugs
//
// Each bug below is a line or two away from a right sweep, and each gives gradients that look like numbers.
// `SweepBugs.sweep(bug)` is a sweep with that bug (its code stays hidden: writing the sweep is your
// exercise). Each runs twice into one table on our example, as two steps of a training loop would, and
// its `dL/dw` is compared with the engine's; then the backward sweep's check runs it on its own random
// graphs and says what it finds:
//
// - `OVERWRITE`: a share arriving at a value replaces the one there instead of being added to it;
// - `KEEP_FIRST`: a share arriving at a value that has one is dropped;
// - `NO_CLEARING`: the table is not cleared when a pass starts;
// - `FORWARD_ORDER`: the sweep walks the topological order from its start, skipping the operations
//   whose gradient has not arrived yet.

// %%
System.out.println("right:          dL/dw = " + ctx.gradient(w));
for (var bug : SweepBugs.Bug.values()) {
    var table = new HashMap<Connection, Tensor>();
    var buggy = SweepBugs.sweep(bug);
    buggy.backward(loss, cg.nodes(), ctx, table);  // a first pass
    buggy.backward(loss, cg.nodes(), ctx, table);  // and a second
    System.out.println(String.format("%-15s dL/dw = %s", bug + ":", table.get(w)));
    System.out.println("    the check says: " + SweepBugs.whatTheCheckSays(buggy));
}

// %% md
// All four are wrong, and none by an obvious amount (the right `dL/dw` is `[0.3176, -0.0134]`):
// - `OVERWRITE` and `KEEP_FIRST` keep one share of each value used in several places, here `h`'s, so every
//   gradient below `h` is wrong: `[0.1768, -0.0816]` and `[-0.036, 0.1498]`, the last with both signs
//   flipped;
// - `NO_CLEARING` is right on the first pass; the second adds its shares onto the first pass's gradients and
//   passes those on down the graph too, so `dL/dw` is `[2.2593, -0.2434]`, 7 and 18 times too large, and the
//   error grows with every step of training;
// - `FORWARD_ORDER` reaches every operation before its gradient has arrived, except the loss's own `mean`
//   at the end, so `w` gets no gradient at all (`null`).
//
// The check's hints name each mistake. A sweep that walks forwards without skipping fails sooner:
// `inputGradients` refuses a `dy` that is `null` and says why.
//
// **In PyTorch** the table lives in the tensors: `loss.backward()` adds into each parameter's `.grad`,
// and never clears it. That is why every PyTorch training loop starts a step with
// `optimizer.zero_grad()`:
//
// ```python
// optimizer.zero_grad()   # clear the table
// loss = model(x).mean()
// loss.backward()         # the sweep: adds into every parameter's .grad
// optimizer.step()
// ```
//
// ## Summary
// - `dL/dL = 1`; each operation turns `dL/dy` into one share per input with its local rule
//   (`ctx.inputGradients(node, dy)`), and shares arriving at one value are **added**.
// - The operations are visited in **reverse topological order**, so a gradient is complete before it is
//   passed on. A depth-first walk from the loss finds that order and leaves out what the loss does not use.
// - The table is **cleared** when a pass starts.
//
// ## Exercises
//
// **Exercise 1: a topological order.** `topologicalOrder(loss)` lists the operations `loss` depends on,
// each once, each after the operations that compute its inputs, by the depth-first walk described above.
// Complete its step `visit(c, placed, order)`: `c.producer()` is the operation computing a connection `c`
// (null for variables, inputs and constants), `node.inputs()` its inputs, and `placed` remembers the
// operations already in `order`. The check's graphs hold values used several times and an operation the
// loss does not use.

// %% exercise points=2
List<Node> topologicalOrder(Connection loss) {
    List<Node> order = new ArrayList<>();
    visit(loss, new HashSet<>(), order);
    return order;
}

/** Places the operation computing c, and before it everything it depends on, into order, each once. */
void visit(Connection c, Set<Node> placed, List<Node> order) {
    // BEGIN SOLUTION
    Node node = c.producer();
    if (node == null || !placed.add(node)) return;  // a leaf, or placed already
    for (Connection input : node.inputs()) visit(input, placed, order);
    order.add(node);
    // END SOLUTION
    // STUDENT: // your code here
}

// %%
BackwardSweepChecks.topologicalOrder(loss -> topologicalOrder(loss));

// %% md
// **Exercise 2: the backward sweep.** Fill `grad` with `dL/dc` for every connection `c` the loss depends
// on, operations, variables and inputs alike, walking `order` (a topological order of the operations
// `loss` depends on, as exercise 1 returns it) with `ctx.inputGradients(node, dy)`. The table may hold
// the gradients of an earlier pass. Do not call `ctx.backward`. The check compares your gradients with
// the engine's on random graphs with values used several times and broadcasting, two passes each into
// one table.

// %% exercise points=3
void backward(Connection loss, List<Node> order, SimulationContext ctx, Map<Connection, Tensor> grad) {
    // BEGIN SOLUTION
    grad.clear();
    grad.put(loss, Tensor.ones(ctx.value(loss).shape()));
    for (int i = order.size() - 1; i >= 0; i--) {
        Node node = order.get(i);
        Tensor[] shares = ctx.inputGradients(node, grad.get(node.output()));
        for (int k = 0; k < shares.length; k++) {
            grad.merge(node.inputs().get(k), shares[k], Tensor::plus);
        }
    }
    // END SOLUTION
    // STUDENT: // your code here
}

// %%
BackwardSweepChecks.backwardSweep((l, order, c, grad) -> backward(l, order, c, grad));
