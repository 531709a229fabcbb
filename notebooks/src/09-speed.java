// expect: image/png
// expect: text/html
// %% md
// # 9 · Speed: where training time goes
//
// **What you will learn**
// - how to count the floating-point operations (FLOPs) of a matrix product and of a training step;
// - how to measure speed honestly (warm-up, repetitions) and express it in GFLOP/s;
// - DeepToy's two matrix-multiplication backends, pure-Java EJML and native OpenBLAS, and how to switch;
// - why the native one is many times faster, and why the rest of the step then starts to matter.
//
// The exercises: the FLOPs of a chain of matrix products, and of a whole MLP training step, checked against the
// operations DeepToy really performs.
// %%
import org.deeptoy.kernel.render.*;
import org.knowm.xchart.*;
import tech.tablesaw.api.*;
import java.lang.management.ManagementFactory;

boolean quick = Course.quick();
String original = Blas.current().name();
boolean haveOpenBlas;
try {
    Blas.use("openblas");
    haveOpenBlas = true;
} catch (IllegalStateException e) {
    System.out.println("OpenBLAS is not available here: " + e.getMessage());
    haveOpenBlas = false;
}
Blas.use(original);
List<String> backends = haveOpenBlas ? List.of("ejml", "openblas") : List.of("ejml");
System.out.println("backend in use: " + original + "; measuring " + backends);
System.out.println("JVM flags: " + ManagementFactory.getRuntimeMXBean().getInputArguments());
// %% md
// ## Counting FLOPs
// `C = A·B` with `A` `[m, k]` and `B` `[k, n]`: each of the `m·n` results is a sum of `k` products, i.e. `k`
// multiplications and `k` additions. So a matrix product costs **`2·m·n·k` FLOPs**. A speed in GFLOP/s is
// that count divided by the seconds it took, divided by 10⁹.
//
// All matrix products in DeepToy go through one interface, `Blas` (`gemm`: general matrix multiply). The
// backend is chosen with the system property `deeptoy.blas` or the environment variable `DEEPTOY_BLAS`
// (`openblas` or `ejml`) when the kernel starts, and can be switched at any time with `Blas.use("ejml")`.
//
// ## Measuring
// A fair timing runs the code once untimed (the JIT compiles it, native buffers are allocated), then repeats
// it until enough time has passed and divides.
// %%
double secondsPerCall(Runnable r, double minSeconds) {
    r.run(); // warm-up
    int reps = 0;
    long t0 = System.nanoTime(), t;
    do {
        r.run();
        reps++;
        t = System.nanoTime();
    } while ((t - t0) / 1e9 < minSeconds);
    return (t - t0) / 1e9 / reps;
}

int[] sizes = quick ? new int[] {64, 128, 256, 512} : new int[] {64, 128, 256, 512, 1024};
double minSeconds = quick ? 0.15 : 1.0;
Map<String, double[]> gflops = new LinkedHashMap<>();
for (String backend : backends) {
    Blas.use(backend);
    Blas blas = Blas.current();
    double[] g = new double[sizes.length];
    for (int s = 0; s < sizes.length; s++) {
        int n = sizes[s];
        double[] a = Tensor.randomNormal(1, n, n).data(), b = Tensor.randomNormal(2, n, n).data(), c = new double[n * n];
        double seconds = secondsPerCall(() -> blas.gemm(false, false, n, n, n, 1, a, b, 0, c), minSeconds);
        g[s] = 2.0 * n * n * n / seconds / 1e9;
    }
    gflops.put(backend, g);
}
Blas.use(original);
Table speed = Table.create("matrix product n × n times n × n, GFLOP/s");
speed.addColumns(IntColumn.create("n", sizes));
for (String backend : backends) {
    double[] rounded = Arrays.stream(gflops.get(backend)).map(v -> Math.round(v * 100) / 100.0).toArray();
    speed.addColumns(DoubleColumn.create(backend, rounded));
}
speed
// %%
// n doubles at each step: plotted at log₂ n, the sizes are evenly spaced (a log axis) and labelled by n.
double[] log2n = Arrays.stream(sizes).mapToDouble(n -> Math.log(n) / Math.log(2)).toArray();
XYChart gemmChart = Charts.curves("Matrix product speed", "n (log scale)", "GFLOP/s", log2n, gflops);
gemmChart.setCustomXAxisTickLabelsFormatter(v -> Math.abs(v - Math.rint(v)) < 1e-9 ? String.valueOf((long) Math.pow(2, Math.rint(v))) : "");
// The key sits below the plot, where it hides no point.
gemmChart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideS);
gemmChart
// %% md
// ## Why the native library is faster
// Both compute exactly the same `2·n³` operations; the difference is how many they finish per clock cycle.
// - **SIMD and FMA.** A modern x86 core has vector units: one AVX2 *fused multiply-add* instruction does 4
//   double multiplications and 4 additions at once, and a core can issue two per cycle: 16 FLOPs per cycle,
//   about 50 GFLOP/s per core at 3 GHz (CPUs with two AVX-512 units per core double that). Working alone, the
//   kernel gives OpenBLAS every core: the stored run had two, so its ceiling was about 100 GFLOP/s, and
//   OpenBLAS reached 95 at n = 512. OpenBLAS's inner kernels are written by hand in assembly for each CPU family.
//   The JVM's JIT vectorises simple loops only sometimes, and not the ones in a general matrix product.
// - **Caches.** Reading a number from main memory costs ~100 cycles. OpenBLAS cuts the matrices into blocks
//   that fit the L1/L2 caches and reuses each loaded number many times (a matrix product does `2n³` FLOPs on
//   only `3n²` numbers, so this reuse is possible). EJML blocks too, but less aggressively.
// - **Start-up.** Small products (n = 64) are cheap either way, and copying to native memory costs a
//   little; the native advantage grows with size.
//
// This kernel's JVM flags are printed above. The kernel runs the JVM's full JIT, as `bench/` does, so the
// pure-Java figures here match the benchmarks'; the native library does not depend on the JIT at all.
//
// **In PyTorch** the same measurement: `torch.utils.benchmark.Timer` does the warm-up and the repetitions. The
// backend is chosen when PyTorch is built (Intel's MKL in the usual builds for x86 processors;
// `print(torch.__config__.show())` names it); the number of cores it uses is set at run time:
//
// ```python
// import torch
// from torch.utils import benchmark
// torch.set_num_threads(2)                       # cores for one operation (by default about one per core)
// n = 512
// a, b = torch.randn(n, n), torch.randn(n, n)    # float32, PyTorch's default
// timer = benchmark.Timer("a @ b", globals={"a": a, "b": b}, num_threads=torch.get_num_threads())
// seconds = timer.blocked_autorange(min_run_time=1.0).median
// print(f"{2 * n**3 / seconds / 1e9:.1f} GFLOP/s")
// ```
//
// `Timer` measures on one thread unless given `num_threads`, so that runs compare fairly. PyTorch computes in
// `float32` unless asked for `float64` (`torch.randn(n, n, dtype=torch.float64)`): one AVX2 instruction then
// does 8 multiply-adds instead of 4, so the ceiling above doubles, and each number takes half the memory.
//
// ## The same MLP step on both backends
// One training step of a 784-256-10 MLP on a batch of 128 MNIST digits: forward, backward, one SGD update.
// A small wrapper around the backend counts and times every matrix product it is asked for.
// %%
class MeasuredBlas implements Blas {
    final Blas inner;
    long flops, nanos, calls;

    MeasuredBlas(Blas inner) {
        this.inner = inner;
    }

    public void gemm(boolean transA, boolean transB, int m, int n, int k, double alpha, double[] a, double[] b,
                     double beta, double[] c) {
        long t = System.nanoTime();
        inner.gemm(transA, transB, m, n, k, alpha, a, b, beta, c);
        nanos += System.nanoTime() - t;
        flops += 2L * m * n * k;
        calls++;
    }

    public String name() {
        return "measured " + inner.name();
    }
}

Mlp mlp = Mlp.builder().layers(784, 256, 10).seed(1).build();
Dataset batch = Datasets.mnist().train().first(128);
Tensor xb = Scaler.pixels().apply(batch.x()).reshape(128, 784);
double[] labelValues = Arrays.stream(batch.labels()).asDoubleStream().toArray();
Map<Connection, Tensor> feeds = Map.of(mlp.input(), xb, mlp.labels(), Tensor.wrap(labelValues, 128));
SimulationContext ctx = new SimulationContext().variableGradientsOnly(true); // as fit() does
Sgd sgd = new Sgd(0.01);
Runnable step = () -> {
    ctx.forward(mlp.graph(), feeds, mlp.lossConnection());
    ctx.backward(mlp.graph(), mlp.lossConnection());
    sgd.step(mlp.graph().variables(), ctx);
};

List<String> rows = new ArrayList<>();
double[] stepMs = new double[backends.size()], gemmMs = new double[backends.size()], stepGflops = new double[backends.size()];
long stepFlops = 0;
for (int i = 0; i < backends.size(); i++) {
    Blas.use(backends.get(i));
    MeasuredBlas measured = new MeasuredBlas(Blas.current());
    Blas.use(measured);
    for (int w = 0; w < (quick ? 2 : 20); w++) step.run(); // warm-up: the JIT compiles the rest of the step too
    measured.flops = measured.nanos = measured.calls = 0;
    int reps = quick ? 5 : 30;
    long t0 = System.nanoTime();
    for (int r = 0; r < reps; r++) step.run();
    double seconds = (System.nanoTime() - t0) / 1e9 / reps;
    stepFlops = measured.flops / reps;
    stepMs[i] = seconds * 1e3;
    gemmMs[i] = measured.nanos / 1e6 / reps;
    stepGflops[i] = stepFlops / seconds / 1e9;
    System.out.println(String.format("%-8s %6.1f ms per step, of which matrix products %6.1f ms (%2.0f%%); %d products, %.1f GFLOP/s overall",
            backends.get(i), stepMs[i], gemmMs[i], 100 * gemmMs[i] / stepMs[i], measured.calls / reps, stepGflops[i]));
}
Blas.use(original);
System.out.println(String.format("matrix-product FLOPs per step: %,d", stepFlops));
if (backends.size() == 2) {
    System.out.println(String.format("matrix products %.1fx faster with OpenBLAS, the whole step %.1fx", gemmMs[0] / gemmMs[1],
            stepMs[0] / stepMs[1]));
    double rest = stepMs[0] - gemmMs[0];
    System.out.println(String.format("everything else: %.1f ms (EJML run), %.1f ms (OpenBLAS run); with products that took no"
            + " time at all the step would still take %.1f ms: at most %.1fx faster than with EJML (Amdahl)",
            rest, stepMs[1] - gemmMs[1], rest, stepMs[0] / rest));
}
// %%
CategoryChart bars = new CategoryChartBuilder().width(640).height(380).title("One MLP training step (784-256-10, batch 128)")
        .xAxisTitle("backend").yAxisTitle("milliseconds").build();
bars.getStyler().setStacked(true);
bars.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
bars.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNE);
double[] other = new double[backends.size()];
for (int i = 0; i < other.length; i++) other[i] = Math.max(0, stepMs[i] - gemmMs[i]);
bars.addSeries("matrix products", backends, Arrays.stream(gemmMs).boxed().toList()).setFillColor(new java.awt.Color(0x1f77b4));
bars.addSeries("everything else", backends, Arrays.stream(other).boxed().toList()).setFillColor(new java.awt.Color(0xff7f0e));
bars.getStyler().setPlotBackgroundColor(java.awt.Color.WHITE);
bars.getStyler().setChartTitleBoxVisible(false);
bars.getStyler().setAxisTitleFont(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.PLAIN, 13));
bars
// %% md
// With EJML most of the step is matrix products. OpenBLAS makes them several times faster (the first ratio
// printed above), but the whole step gains less (the second): the rest — ReLU, softmax, adding biases, the
// optimizer update, allocating tensors — does not get faster, and its share of the step grows. Those loops
// touch each number once or twice, so they are limited by memory speed, not by arithmetic. Speeding up a part
// of a program only helps as much as that part's share of the time (Amdahl's law): the last line above is the
// limit, what the step would take if the products cost nothing. (The "everything else" of the two runs
// should be about equal; a difference is noise from other work on the machine.)
//
// **In PyTorch** the same step, and the profiler, which splits its time by operation as `MeasuredBlas` does
// for the matrix products here:
//
// ```python
// import torch.nn.functional as F
// from torch import nn
// from torch.profiler import profile
// mlp = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))
// opt = torch.optim.SGD(mlp.parameters(), lr=0.01)
// x, y = torch.rand(128, 784), torch.randint(0, 10, (128,))    # stand-ins for the 128 digits
// def step():
//     opt.zero_grad()
//     F.cross_entropy(mlp(x), y).backward()
//     opt.step()
// for _ in range(20):
//     step()                                                    # warm-up
// with profile() as prof:
//     for _ in range(30):
//         step()
// print(prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=10))
// ```
//
// The table lists the matrix products (`aten::addmm`, `aten::mm`) beside everything else, and Amdahl's law
// holds there too. PyTorch's tools against the "everything else" are `torch.compile(mlp)`, which fuses small
// element-wise operations into fewer passes over memory, and `torch.inference_mode()`, which records no graph
// when only predictions are wanted.
//
// ## Exercises
// **1. FLOPs of a chain of products.** `A` is `[m, k]`, `B` `[k, n]` and `C` `[n, p]`. Return the FLOPs of
// `A·B·C` computed as `(A·B)·C`, first product first. (Computed as `A·(B·C)` it gives the same matrix for a
// different count: which order is cheaper when `p` is 1?)
// %% exercise
long chainFlops(int m, int k, int n, int p) {
    // BEGIN SOLUTION
    return 2L * m * k * n + 2L * m * n * p;
    // END SOLUTION
    // STUDENT: return 0; // your code here
}
// %%
// Check: your count against the operations the backend performs for (A·B)·C, on random sizes.
SpeedChecks.chainFlops((m, k, n, p) -> chainFlops(m, k, n, p));
// %% md
// **2. FLOPs of a training step.** For an MLP with layer sizes `layers` (e.g. 784, 256, 10) and a batch of `b`
// examples, count the matrix-product FLOPs of one step. Forward: one product `[b, in] · [in, out]` per layer.
// Backward, per layer: `dW = xᵀ · dY` and `dX = dY · Wᵀ` — except that the first layer needs no `dX`, because
// its input is the data, not something we learn.
// %% exercise points=2
long stepFlops(int b, int[] layers) {
    // BEGIN SOLUTION
    long total = 0;
    for (int l = 0; l + 1 < layers.length; l++) {
        long one = 2L * b * layers[l] * layers[l + 1];
        total += l == 0 ? 2 * one : 3 * one;
    }
    return total;
    // END SOLUTION
    // STUDENT: return 0; // your code here
}
// %%
// Check: your count against a real training step of a random MLP, counted at the backend.
SpeedChecks.stepFlops((b, layers) -> stepFlops(b, layers));
