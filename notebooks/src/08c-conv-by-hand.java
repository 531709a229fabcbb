// expect: image/png
// expect: image/svg+xml
// expect: text: gradient check
// expect: text: largest difference from the engine
// %% md
// # 8c · Convolution and max pooling by hand
//
// Notebook 8 used `cg.conv2d` and `cg.maxPool2d` and showed how the engine computes a convolution fast
// (im2col and one matrix product). Here you write both layers the slow way, with loops, as in CS231n's
// assignment 2 (`conv_forward_naive`, `conv_backward_naive`, `max_pool_backward_naive`): the point is
// the indices. Every loop is checked against the engine's `Conv2d` and `MaxPool2d` ops on random inputs
// (outputs equal, gradients equal) and by the gradient check.
//
// **You will learn**
// - the convolution's forward with stride and padding, index by index
// - its backward: which input pixels and which filter weights each output touched
// - max pooling's backward: the gradient goes to the maximum of each window, and only there
//
// The exercises: the convolution's forward (2 points), its gradient for the filters (2 points), max
// pooling's backward (2 points).

// %% md
// ## The convolution's forward
//
// Images `x` `[N, C, H, W]` (N images of C channels), filters `f` `[O, C, K, K]` (O filters of C
// channels), stride `s` and zero padding `p`. Output `y` `[N, O, OH, OW]`:
//
// $$y_{n,o,i,j} = \sum_{c}\sum_{u=0}^{K-1}\sum_{v=0}^{K-1} f_{o,c,u,v}\; x_{n,c,\;i s - p + u,\;j s - p + v}
//   \qquad (x = 0 \text{ outside the image}),$$
//
// $$OH = \Bigl\lfloor \frac{H + 2p - K}{s} \Bigr\rfloor + 1, \qquad OW = \Bigl\lfloor \frac{W + 2p - K}{s} \Bigr\rfloor + 1 .$$
//
// Output pixel `(i, j)` looks at the `K × K` window whose top-left corner is at row `i·s − p`, column
// `j·s − p` of the image; padding shifts it up and left by `p`, and window pixels outside the image count as 0.
// (Deep-learning libraries do not flip the filter: strictly, this is a cross-correlation.)
//
// A tensor's storage is row-major: element `[n, c, r, q]` of `x` sits at `((n·C + c)·H + r)·W + q` of
// `x.data()`. `x.get(n, c, r, q)` reads it by its indices.

// %%
import org.deeptoy.kernel.render.*;

int outSize(int in, int k, int stride, int padding) {
    return (in + 2 * padding - k) / stride + 1;
}

// %% md
// ## Exercise 1: the forward
//
// Fill in `y`, one output pixel at a time: for each image `n`, filter `o` and output position `(i, j)`,
// the sum over the channels and the window. Skip window pixels outside the image (that is the zero padding).

// %% exercise points=2 id=convForward
Tensor convForward(Tensor x, Tensor f, int stride, int padding) {
    int N = x.dim(0), C = x.dim(1), H = x.dim(2), W = x.dim(3), O = f.dim(0), K = f.dim(2);
    int OH = outSize(H, K, stride, padding), OW = outSize(W, K, stride, padding);
    double[] y = new double[N * O * OH * OW];
    // BEGIN SOLUTION
    for (int n = 0; n < N; n++) {
        for (int o = 0; o < O; o++) {
            for (int i = 0; i < OH; i++) {
                for (int j = 0; j < OW; j++) {
                    double sum = 0;
                    for (int c = 0; c < C; c++) {
                        for (int u = 0; u < K; u++) {
                            for (int v = 0; v < K; v++) {
                                int r = i * stride - padding + u, q = j * stride - padding + v;
                                if (r >= 0 && r < H && q >= 0 && q < W) sum += f.get(o, c, u, v) * x.get(n, c, r, q);
                            }
                        }
                    }
                    y[((n * O + o) * OH + i) * OW + j] = sum;
                }
            }
        }
    }
    // END SOLUTION
    // STUDENT: // your code here: y[((n * O + o) * OH + i) * OW + j] = ...
    return Tensor.wrap(y, N, O, OH, OW);
}

// %%
ConvByHandChecks.convForward((x, f, stride, padding) -> convForward(x, f, stride, padding));

// %% md
// ## The convolution's backward
//
// Given `dy = dL/dy` `[N, O, OH, OW]`, each output pixel passes its gradient back along the products it
// was made of: `y_{n,o,i,j}` contains `f_{o,c,u,v} · x_{n,c,r,q}` with `r = i·s − p + u`, `q = j·s − p + v`, so
//
// $$\frac{\partial L}{\partial x_{n,c,r,q}} \mathrel{+}= \frac{\partial L}{\partial y_{n,o,i,j}}\, f_{o,c,u,v},
//   \qquad
//   \frac{\partial L}{\partial f_{o,c,u,v}} \mathrel{+}= \frac{\partial L}{\partial y_{n,o,i,j}}\, x_{n,c,r,q}$$
//
// for every `n, o, i, j, c, u, v` whose `(r, q)` lies inside the image. The same loops as the forward, with
// `+=` into the gradients instead of `+=` into a sum: an input pixel lies in many windows and a filter
// weight is used at every position of every image, and all their contributions add up. The input's
// gradient, written out:

// %%
Tensor convInputGradient(Tensor x, Tensor f, Tensor dy, int stride, int padding) {
    int N = x.dim(0), C = x.dim(1), H = x.dim(2), W = x.dim(3), O = f.dim(0), K = f.dim(2);
    int OH = dy.dim(2), OW = dy.dim(3);
    double[] dx = new double[x.size()];
    for (int n = 0; n < N; n++) {
        for (int o = 0; o < O; o++) {
            for (int i = 0; i < OH; i++) {
                for (int j = 0; j < OW; j++) {
                    double g = dy.get(n, o, i, j);
                    for (int c = 0; c < C; c++) {
                        for (int u = 0; u < K; u++) {
                            for (int v = 0; v < K; v++) {
                                int r = i * stride - padding + u, q = j * stride - padding + v;
                                if (r >= 0 && r < H && q >= 0 && q < W) dx[((n * C + c) * H + r) * W + q] += g * f.get(o, c, u, v);
                            }
                        }
                    }
                }
            }
        }
    }
    return Tensor.wrap(dx, x.shape());
}

// %% md
// ## Exercise 2: the gradient for the filters
//
// Return `dL/df` `[O, C, K, K]`: element `[o, c, u, v]` sits at `((o·C + c)·K + u)·K + v` of `df`.

// %% exercise points=2 id=convWeightGradient
Tensor convWeightGradient(Tensor x, Tensor f, Tensor dy, int stride, int padding) {
    int N = x.dim(0), C = x.dim(1), H = x.dim(2), W = x.dim(3), O = f.dim(0), K = f.dim(2);
    int OH = dy.dim(2), OW = dy.dim(3);
    double[] df = new double[f.size()];
    // BEGIN SOLUTION
    for (int n = 0; n < N; n++) {
        for (int o = 0; o < O; o++) {
            for (int i = 0; i < OH; i++) {
                for (int j = 0; j < OW; j++) {
                    double g = dy.get(n, o, i, j);
                    for (int c = 0; c < C; c++) {
                        for (int u = 0; u < K; u++) {
                            for (int v = 0; v < K; v++) {
                                int r = i * stride - padding + u, q = j * stride - padding + v;
                                if (r >= 0 && r < H && q >= 0 && q < W) df[((o * C + c) * K + u) * K + v] += g * x.get(n, c, r, q);
                            }
                        }
                    }
                }
            }
        }
    }
    // END SOLUTION
    // STUDENT: // your code here: df[((o * C + c) * K + u) * K + v] += ...
    return Tensor.wrap(df, f.shape());
}

// %%
ConvByHandChecks.convWeightGradient((x, f, dy, stride, padding) -> convWeightGradient(x, f, dy, stride, padding));

// %% md
// ## Max pooling
//
// Windows of `size × size` moved by `stride` (no padding); each output is its window's maximum:
//
// $$y_{n,c,i,j} = \max_{0 \le u, v < \text{size}} x_{n,c,\;i s + u,\;j s + v}.$$
//
// Only the maximum reaches the output, so only it gets the gradient: `dL/dx` is `dy_{n,c,i,j}` at the
// window's maximum and 0 at its other pixels. With ties, DeepToy (like PyTorch) picks the **first** maximum,
// row by row; where windows overlap (stride < size) one pixel can be the maximum of several windows and
// gets the sum of their gradients. The forward:

// %%
Tensor maxPoolForward(Tensor x, int size, int stride) {
    int N = x.dim(0), C = x.dim(1), H = x.dim(2), W = x.dim(3);
    int OH = (H - size) / stride + 1, OW = (W - size) / stride + 1;
    double[] y = new double[N * C * OH * OW];
    for (int n = 0; n < N; n++) {
        for (int c = 0; c < C; c++) {
            for (int i = 0; i < OH; i++) {
                for (int j = 0; j < OW; j++) {
                    double best = Double.NEGATIVE_INFINITY;
                    for (int u = 0; u < size; u++) {
                        for (int v = 0; v < size; v++) best = Math.max(best, x.get(n, c, i * stride + u, j * stride + v));
                    }
                    y[((n * C + c) * OH + i) * OW + j] = best;
                }
            }
        }
    }
    return Tensor.wrap(y, N, C, OH, OW);
}

// %% md
// ## Exercise 3: max pooling's backward
//
// For each window find the position of its first maximum (row by row: a later pixel takes over only when
// it is strictly larger) and add the window's `dy` to `dx` there.

// %% exercise points=2 id=maxPoolBackward
Tensor maxPoolBackward(Tensor x, Tensor dy, int size, int stride) {
    int N = x.dim(0), C = x.dim(1), H = x.dim(2), W = x.dim(3), OH = dy.dim(2), OW = dy.dim(3);
    double[] dx = new double[x.size()];
    // BEGIN SOLUTION
    for (int n = 0; n < N; n++) {
        for (int c = 0; c < C; c++) {
            for (int i = 0; i < OH; i++) {
                for (int j = 0; j < OW; j++) {
                    int br = i * stride, bq = j * stride;
                    for (int u = 0; u < size; u++) {
                        for (int v = 0; v < size; v++) {
                            int r = i * stride + u, q = j * stride + v;
                            if (x.get(n, c, r, q) > x.get(n, c, br, bq)) {
                                br = r;
                                bq = q;
                            }
                        }
                    }
                    dx[((n * C + c) * H + br) * W + bq] += dy.get(n, c, i, j);
                }
            }
        }
    }
    // END SOLUTION
    // STUDENT: // your code here: dx[((n * C + c) * H + r) * W + q] += ... at each window's maximum
    return Tensor.wrap(dx, x.shape());
}

// %%
ConvByHandChecks.maxPoolBackward((x, dy, size, stride) -> maxPoolBackward(x, dy, size, stride));

// %% md
// ## Your layers as ops, next to the engine's
//
// Wrapped as ops (notebook 5b), your loops go into a graph like the engine's: `L = sum(pool(conv(x, f)) · c)`
// on random images, once with your ops and once with `cg.conv2d` and `cg.maxPool2d` (stride 2, padding 1,
// pooling 3 × 3 windows moved by 2, so that they overlap).

// %%
class ConvByHand extends Node {
    final int stride, padding;

    ConvByHand(int stride, int padding) {
        super("convByHand");
        this.stride = stride;
        this.padding = padding;
    }

    @Override
    protected Tensor forward(Tensor[] in) {
        return convForward(in[0], in[1], stride, padding);
    }

    @Override
    protected Tensor[] backward(Tensor[] in, Tensor out, Tensor dy, boolean[] need) {
        return new Tensor[] {convInputGradient(in[0], in[1], dy, stride, padding), convWeightGradient(in[0], in[1], dy, stride, padding)};
    }
}

class PoolByHand extends Node {
    final int size, stride;

    PoolByHand(int size, int stride) {
        super("poolByHand");
        this.size = size;
        this.stride = stride;
    }

    @Override
    protected Tensor forward(Tensor[] in) {
        return maxPoolForward(in[0], size, stride);
    }

    @Override
    protected Tensor[] backward(Tensor[] in, Tensor out, Tensor dy, boolean[] need) {
        return new Tensor[] {maxPoolBackward(in[0], dy, size, stride)};
    }
}

Random random = new Random(3);
Tensor images = Tensor.randomNormal(random, 0, 1, 2, 3, 9, 9), filters = Tensor.randomNormal(random, 0, 1, 4, 3, 3, 3);
Tensor weights = Tensor.randomNormal(random, 0, 1, 2, 4, 2, 2);

/** L = sum(pool(conv(x, f)) · c), with your ops or with the engine's. */
record Built(ComputationalGraph cg, Connection x, Connection f, Connection y, Connection loss) {}
Built build(boolean byHand) {
    var cg = new ComputationalGraph();
    var x = cg.input("x");
    var f = cg.variable(filters, "f");
    var conv = byHand ? cg.add(new ConvByHand(2, 1), "conv", x, f) : cg.conv2d(x, f, 2, 1, "conv");
    var pool = byHand ? cg.add(new PoolByHand(3, 2), "pool", conv) : cg.maxPool2d(conv, 3, 2, "pool");
    var loss = cg.reduceSum(cg.multiply(pool, cg.constant(weights, "c"), "pool·c")).named("L");
    return new Built(cg, x, f, pool, loss);
}

double largest(Tensor a, Tensor b) {
    if (!Arrays.equals(a.shape(), b.shape())) return Double.POSITIVE_INFINITY;
    double m = 0;
    for (int i = 0; i < a.size(); i++) m = Math.max(m, Math.abs(a.data()[i] - b.data()[i]));
    return m;
}

Built mine = build(true), engine = build(false);
var mineCtx = new SimulationContext().forward(mine.cg(), Map.of(mine.x(), images)).backward(mine.cg(), mine.loss());
var engineCtx = new SimulationContext().forward(engine.cg(), Map.of(engine.x(), images)).backward(engine.cg(), engine.loss());
System.out.printf("pooled output %s: largest difference from the engine %.1e%n",
        Arrays.toString(engineCtx.value(engine.y()).shape()), largest(mineCtx.value(mine.y()), engineCtx.value(engine.y())));
System.out.printf("dL/dx %s: largest difference from the engine %.1e%n", Arrays.toString(images.shape()),
        largest(mineCtx.gradient(mine.x()), engineCtx.gradient(engine.x())));
System.out.printf("dL/df %s: largest difference from the engine %.1e%n", Arrays.toString(filters.shape()),
        largest(mineCtx.gradient(mine.f()), engineCtx.gradient(engine.f())));
show(mine.cg(), mineCtx);

// %% md
// The pooled outputs and both gradients agree with the engine's to about 10⁻¹⁵ (3.6·10⁻¹⁵, 4.4·10⁻¹⁶ and
// 1.3·10⁻¹⁵ in the stored run): the same sums, added in another order. The graph is drawn like any other, with
// your ops' names; the pooled output `[2, 4, 2, 2]` comes from `[2, 4, 5, 5]` feature maps (9 + 2 − 3 = 8, halved,
// plus one) pooled by windows of 3 moved by 2.
//
// And the gradient check, finite differences against your backward for every pixel of `x` and every
// filter weight:

// %%
// Empty loops give zeros, and the finite differences of a constant are zeros too: such a check passes and proves nothing.
if (Arrays.stream(mineCtx.value(mine.y()).data()).allMatch(v -> v == 0)) {
    System.out.println("Your ops give only zeros so far, so a gradient check would pass without telling you anything:"
            + " write the loops above first.");
} else {
    System.out.println(GradientCheck.check(mine.cg(), mine.loss(), Map.of(mine.x(), images), List.of(mine.x(), mine.f()),
            GradientCheck.EPSILON, GradientCheck.TOLERANCE));
}

// %% md
// ## On a photo
//
// Two 3 × 3 filters on a digit of MNIST: one that answers to a vertical edge (bright on the left, dark
// on the right), one to a horizontal edge, stride 1 and padding 1 (the output keeps the 28 × 28 size), then
// max pooling 2 × 2 (14 × 14). Drawn from the smallest value (black) to the largest (white):

// %%
Tensor digit = Scaler.pixels().apply(Datasets.mnist().test().first(1).x()); // [1, 1, 28, 28]
Tensor edges = Tensor.of(new double[] {1, 0, -1, 2, 0, -2, 1, 0, -1, 1, 2, 1, 0, 0, 0, -1, -2, -1}, 2, 1, 3, 3);
Tensor maps = convForward(digit, edges, 1, 1);
Tensor pooled = maxPoolForward(maps, 2, 2);
display(Images.grid(maps.reshape(2, 1, 28, 28), 2, new String[] {"vertical edges", "horizontal edges"},
        Images.Options.defaults().zoom(4)));
Images.grid(pooled.reshape(2, 1, 14, 14), 2, new String[] {"pooled", "pooled"}, Images.Options.defaults().zoom(8))

// %% md
// Grey is 0. The first filter weighs the window's left column +1, +2, +1 and its right column −1, −2, −1:
// it is positive (white) where the left of the window is brighter than the right, on the right edge of the
// 7's stroke, and negative (black) on its left edge. The second does the same from top to bottom: a black
// line above the 7's bar, a white one under it. Max pooling keeps the largest value of each 2 × 2 block:
// half the size, the white edges kept and thickened, the black ones mostly gone (a block keeps black only
// when all four of its values are negative).
//
// ## How slow are loops?
//
// Your forward against the engine's (im2col and one matrix product, notebook 8) on 16 photo-sized
// images `[16, 3, 32, 32]` with 8 filters `3 × 3`, padding 1, the best of three runs each:

// %%
Tensor batch = Tensor.randomNormal(random, 0, 1, 16, 3, 32, 32), eight = Tensor.randomNormal(random, 0, 1, 8, 3, 3, 3);
var cg = new ComputationalGraph();
var in = cg.input("x");
var out = cg.conv2d(in, cg.constant(eight), 1, 1);
var ctx = new SimulationContext();
double loopSeconds = Double.POSITIVE_INFINITY, engineSeconds = Double.POSITIVE_INFINITY;
Tensor loops = null, fast = null;
for (int round = 0; round < 3; round++) { // the best of three: the first pays for the JIT's warm-up
    long t0 = System.nanoTime();
    loops = convForward(batch, eight, 1, 1);
    loopSeconds = Math.min(loopSeconds, (System.nanoTime() - t0) / 1e9);
    t0 = System.nanoTime();
    fast = ctx.forward(cg, Map.of(in, batch), out).value(out);
    engineSeconds = Math.min(engineSeconds, (System.nanoTime() - t0) / 1e9);
}
System.out.printf("loops: %.1f ms, engine: %.1f ms (%.0f times faster); largest difference from the engine %.1e%n",
        loopSeconds * 1e3, engineSeconds * 1e3, loopSeconds / engineSeconds, largest(loops, fast));

// %% md
// The same 3.5 million multiply-adds (16 · 8 · 32 · 32 · 27) and the same result (to 5·10⁻¹⁵); in the stored
// run the loops took 56 ms and the engine 2.9 ms, 19 times faster (the ratio moves from run to run, and more on a
// machine shared with other jobs). The loops read every pixel through `get(n, c, r, q)`, which works out its
// offset anew, one multiply-add at a time; the engine copies the windows out once (im2col, notebook 8) and
// hands one matrix product to BLAS. Loops are for getting the indices right, and the engine's op is checked
// against such loops and against finite differences, as yours were here.
//
// **In PyTorch** the engine's ops are `torch.nn.functional.conv2d(x, f, stride=2, padding=1)` and
// `torch.nn.functional.max_pool2d(y, 3, stride=2)`; loops like yours would go in a `torch.autograd.Function`
// (notebook 5b), and `torch.autograd.gradcheck` runs the same finite-difference test:
//
// ```python
// class ConvByHand(torch.autograd.Function):
//     @staticmethod
//     def forward(ctx, x, f):
//         ctx.save_for_backward(x, f)
//         return conv_forward(x, f, stride=2, padding=1)          # your loops
//
//     @staticmethod
//     def backward(ctx, dy):
//         x, f = ctx.saved_tensors
//         return conv_input_gradient(x, f, dy), conv_weight_gradient(x, f, dy)
//
// torch.autograd.gradcheck(ConvByHand.apply, (x.double().requires_grad_(), f.double().requires_grad_()))
// ```
