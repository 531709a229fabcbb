package org.deeptoy.tensor;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.openblas.global.openblas_nolapack;

import java.nio.FloatBuffer;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;

/**
 * Native matrix multiplication: OpenBLAS's {@code cblas_dgemm} through the JavaCPP preset, in
 * row-major order with transposes as flags. Only the BLAS part of OpenBLAS is loaded, not LAPACK.
 *
 * <p>Native code cannot work on a Java array in place here: JavaCPP's {@code double[]} overload
 * copies all three arrays in and all three back out. Copying A and B into native buffers kept per
 * thread, and only C back out (C in only when beta is not 0), does less and measured faster
 * (128x784·784x256: 48 against 43 GFLOP/s; 128x256·256x10: 36 against 31; native storage
 * without any copy: 51 and 52).
 *
 * <p>Threads: {@link #threads(int)}, or system property {@code deeptoy.blas.threads} / environment
 * variable {@code DEEPTOY_BLAS_THREADS}; by default {@value #DEFAULT_THREADS}. On the 2-core test
 * machine a second thread made an MNIST MLP epoch about 1.35x faster while the other core was
 * idle, but a training step over 2x slower while it was busy; a notebook shares its machine, so
 * one thread is the safe default (figures in bench/README.md). The setting is also the engine's thread
 * count ({@link Parallel}): with more than one, a product is cut into parts of rows and OpenBLAS itself
 * runs on one thread.
 */
public final class OpenBlas implements Blas {
    /** The thread count used unless configured; chosen from measurements (bench/README.md). */
    public static final int DEFAULT_THREADS = 1;

    /** Native copies of A, B and C, grown as needed, and a small chunk for rounding; one set per calling thread. */
    private static final class Buffers {
        DoublePointer a, b, c;
        FloatPointer fa, fb, fc;
        final float[] chunk = new float[2048];
    }

    private final ThreadLocal<Buffers> buffers = ThreadLocal.withInitial(Buffers::new);

    private OpenBlas() {}

    /**
     * Loads the native library and sets the thread count from the settings.
     *
     * @throws IllegalStateException naming why OpenBLAS could not load (e.g. no natives for this platform)
     */
    static OpenBlas load() {
        try {
            Loader.load(openblas_nolapack.class);
        } catch (Throwable e) { // UnsatisfiedLinkError, or a JavaCPP error while extracting the natives
            throw new IllegalStateException("OpenBLAS did not load on " + Loader.getPlatform() + ": " + firstLine(e), e);
        }
        OpenBlas blas = new OpenBlas();
        int threads = DEFAULT_THREADS;
        try {
            threads = threadsSetting();
        } catch (IllegalArgumentException e) { // a typo should not cost the native backend
            System.err.println("DeepToy: " + e.getMessage() + "; using " + DEFAULT_THREADS);
        }
        // with more than one thread, the products are cut into parts of rows (Parallel), each on one thread
        blas.threads(Parallel.threads() > 1 ? 1 : threads);
        return blas;
    }

    /** Sets the number of threads OpenBLAS uses for one multiplication (1 or more). */
    public void threads(int n) {
        if (n < 1) throw new IllegalArgumentException("OpenBLAS threads must be at least 1, got " + n);
        openblas_nolapack.blas_set_num_threads(n);
    }

    /** The number of threads OpenBLAS uses for one multiplication. */
    public int threads() {
        return openblas_nolapack.blas_get_num_threads();
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, double alpha, double[] a, double[] b,
                     double beta, double[] c) {
        if (isEmpty(m, n, k, a.length, b.length, c.length)) {
            for (int i = 0; i < m * n; i++) c[i] = beta == 0 ? 0 : beta * c[i];
            return;
        }
        int sizeA = m * k, sizeB = k * n, sizeC = m * n;
        Buffers buf = buffers.get();
        DoublePointer pa = buf.a = fit(buf.a, sizeA), pb = buf.b = fit(buf.b, sizeB), pc = buf.c = fit(buf.c, sizeC);
        pa.put(a, 0, sizeA);
        pb.put(b, 0, sizeB);
        if (beta != 0) pc.put(c, 0, sizeC);
        Parallel.run(m, rowsPerPart(n, k), (part, r0, r1) -> openblas_nolapack.cblas_dgemm(CblasRowMajor,
                transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans, r1 - r0, n, k, alpha,
                at(pa, transA ? r0 : (long) r0 * k), transA ? m : k, pb, transB ? k : n, beta,
                at(pc, (long) r0 * n), n));
        pc.get(c, 0, sizeC);
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, float[] b,
                     float beta, float[] c) {
        if (isEmpty(m, n, k, a.length, b.length, c.length)) {
            for (int i = 0; i < m * n; i++) c[i] = beta == 0 ? 0 : beta * c[i];
            return;
        }
        int sizeA = m * k, sizeB = k * n, sizeC = m * n;
        Buffers buf = buffers.get();
        FloatPointer pa = buf.fa = fit(buf.fa, sizeA), pb = buf.fb = fit(buf.fb, sizeB), pc = buf.fc = fit(buf.fc, sizeC);
        pa.put(a, 0, sizeA);
        pb.put(b, 0, sizeB);
        if (beta != 0) pc.put(c, 0, sizeC);
        sgemm(transA, transB, m, n, k, alpha, pa, pb, beta, pc);
        pc.get(c, 0, sizeC);
    }

    /**
     * The double product in float32: A and B are rounded to float into the native buffers and C widened
     * back through a small chunk that stays in the L1 cache, rather than through float arrays as large
     * as the operands (the same numbers; an MNIST MLP epoch spent ~0.4 s in those copies).
     */
    @Override
    public void gemm(Precision precision, boolean transA, boolean transB, int m, int n, int k, double alpha,
                     double[] a, double[] b, double beta, double[] c) {
        if (precision == Precision.FLOAT64) {
            gemm(transA, transB, m, n, k, alpha, a, b, beta, c);
            return;
        }
        if (isEmpty(m, n, k, a.length, b.length, c.length)) {
            for (int i = 0; i < m * n; i++) c[i] = beta == 0 ? 0 : (float) beta * (float) c[i];
            return;
        }
        int sizeA = m * k, sizeB = k * n, sizeC = m * n;
        Buffers buf = buffers.get();
        FloatPointer pa = buf.fa = fit(buf.fa, sizeA), pb = buf.fb = fit(buf.fb, sizeB), pc = buf.fc = fit(buf.fc, sizeC);
        putRounded(a, sizeA, pa, buf.chunk);
        putRounded(b, sizeB, pb, buf.chunk);
        if (beta != 0) putRounded(c, sizeC, pc, buf.chunk);
        sgemm(transA, transB, m, n, k, (float) alpha, pa, pb, (float) beta, pc);
        getWidened(pc, c, sizeC, buf.chunk);
    }

    private static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, FloatPointer a, FloatPointer b,
                              float beta, FloatPointer c) {
        Parallel.run(m, rowsPerPart(n, k), (part, r0, r1) -> openblas_nolapack.cblas_sgemm(CblasRowMajor,
                transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans, r1 - r0, n, k, alpha,
                at(a, transA ? r0 : (long) r0 * k), transA ? m : k, b, transB ? k : n, beta,
                at(c, (long) r0 * n), n));
    }

    /** The pointer {@code offset} elements into p (p itself at 0: a new pointer is made by reflection). */
    private static <P extends Pointer> P at(P p, long offset) {
        return offset == 0 ? p : p.getPointer(offset);
    }

    /**
     * Rows of C per part ({@link Parallel}): each part a product of rows r0..r1 of op(A) with B into the
     * same rows of C (op(A)'s row r starts at r·k, or at column r when A is stored transposed), of at
     * least 2^20 multiply-adds, below which handing a part to another thread costs more than it saves.
     */
    private static int rowsPerPart(int n, int k) {
        return (int) Math.max(1, (1L << 20) / Math.max(1L, (long) n * k));
    }

    /**
     * Writes x[0..size) rounded to float into native memory, a chunk at a time: the rounding loop runs on
     * an array (fast at every JIT level) and each chunk goes over in one bulk copy. Values put one by one
     * into the direct buffer are slow under C1, where a class's kernels run for long on a busy server
     * (bench/README).
     */
    private static void putRounded(double[] x, int size, FloatPointer p, float[] chunk) {
        FloatBuffer to = p.asBuffer();
        for (int start = 0; start < size; start += chunk.length) {
            int len = Math.min(chunk.length, size - start);
            for (int i = 0; i < len; i++) chunk[i] = (float) x[start + i];
            to.put(start, chunk, 0, len);
        }
    }

    /** Reads size floats from native memory into x, widened, a chunk at a time (see putRounded). */
    private static void getWidened(FloatPointer p, double[] x, int size, float[] chunk) {
        FloatBuffer from = p.asBuffer();
        for (int start = 0; start < size; start += chunk.length) {
            int len = Math.min(chunk.length, size - start);
            from.get(start, chunk, 0, len);
            for (int i = 0; i < len; i++) x[start + i] = chunk[i];
        }
    }

    /**
     * Checks the sizes against the arrays (native code does not check bounds: a short array would
     * corrupt memory instead of throwing); true when the product is empty and only C's scaling is left
     * (OpenBLAS rejects a leading dimension of 0).
     */
    private static boolean isEmpty(int m, int n, int k, int lengthA, int lengthB, int lengthC) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("gemm: negative size m=" + m + ", n=" + n + ", k=" + k);
        }
        check("A", lengthA, (long) m * k);
        check("B", lengthB, (long) k * n);
        check("C", lengthC, (long) m * n);
        return m == 0 || n == 0 || k == 0;
    }

    @Override
    public String name() {
        return "openblas";
    }

    /** The thread count from {@code deeptoy.blas.threads} / {@code DEEPTOY_BLAS_THREADS}, else the default. */
    static int threadsSetting() {
        String s = System.getProperty("deeptoy.blas.threads");
        String from = "system property deeptoy.blas.threads";
        if (s == null) {
            s = System.getenv("DEEPTOY_BLAS_THREADS");
            from = "environment variable DEEPTOY_BLAS_THREADS";
        }
        if (s == null || s.isBlank()) return DEFAULT_THREADS;
        try {
            int n = Integer.parseInt(s.trim());
            if (n >= 1) return n;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(from + " is '" + s + "'; it must be a whole number of threads, 1 or more");
    }

    private static DoublePointer fit(DoublePointer p, int size) {
        if (p != null && p.capacity() >= size) return p;
        if (p != null) p.close();
        return new DoublePointer(size);
    }

    private static FloatPointer fit(FloatPointer p, int size) {
        if (p != null && p.capacity() >= size) return p;
        if (p != null) p.close();
        return new FloatPointer(size);
    }

    private static void check(String what, int length, long need) {
        if (length < need) {
            throw new IllegalArgumentException("gemm: " + what + " holds " + length + " values but the shapes need " + need);
        }
    }

    private static String firstLine(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        String m = String.valueOf(root.getMessage());
        int nl = m.indexOf('\n');
        return root.getClass().getSimpleName() + ": " + (nl < 0 ? m : m.substring(0, nl));
    }
}
