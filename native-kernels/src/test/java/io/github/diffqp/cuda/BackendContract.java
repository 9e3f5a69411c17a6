package io.github.diffqp.cuda;

import io.github.diffqp.cpu.CpuBackendProvider;
import io.github.diffqp.solver.Datum;
import io.github.diffqp.solver.backend.Backend;
import io.github.diffqp.solver.backend.BatchMatrix;
import io.github.diffqp.solver.backend.BatchVector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Operation by operation, a backend against the CPU backend (the reference semantics of
 * {@link Backend}): same inputs, same mask, same results, including what a mask leaves untouched,
 * shared operands read by every problem, sums into shared outputs, Cholesky flags, NaN and empty-vector
 * rules. Subclasses supply the backend: the CUDA backend on a simulated device (runs everywhere) and on
 * the GPU ({@code @Tag("gpu")}).
 */
abstract class BackendContract {
    static final int B = 5;
    /** Problems 1 and 4 inactive: their outputs must stay as they were. */
    static final boolean[] MASK = {true, false, true, true, false};
    static final int N = 7, M = 4, Q = 3;

    abstract Backend create(int batchSize);

    /** Relative tolerance of the comparison (summation orders differ). */
    double tolerance() {
        return 1e-11;
    }

    private Backend cpu, dut;
    private final Random rnd = new Random(20240611);

    @BeforeEach
    void open() {
        cpu = new CpuBackendProvider().create(B);
        dut = null;
        dut = create(B);
        assertEquals(B, dut.batchSize());
    }

    @AfterEach
    void closeBoth() {
        cpu.close();
        if (dut != null) {
            dut.close();
        }
    }

    // ---- paired handles

    record V(BatchVector c, BatchVector d, int length, boolean shared) {
    }

    record Mx(BatchMatrix c, BatchMatrix d, int rows, int cols, boolean shared) {
    }

    V vec(Datum d) {
        return new V(cpu.vector(d), dut.vector(d), d.rows(), d.isShared());
    }

    Mx mat(Datum d) {
        return new Mx(cpu.matrix(d), dut.matrix(d), d.rows(), d.cols(), d.isShared());
    }

    Mx zeros(int rows, int cols, boolean shared) {
        return new Mx(cpu.matrix(rows, cols, shared), dut.matrix(rows, cols, shared), rows, cols, shared);
    }

    V zeros(int length, boolean shared) {
        return new V(cpu.vector(length, shared), dut.vector(length, shared), length, shared);
    }

    Datum randomVector(boolean shared, int length) {
        return shared ? Datum.sharedVector(gaussian(length)) : Datum.batchedVector(B, length, gaussian(B * length));
    }

    Datum randomMatrix(boolean shared, int rows, int cols) {
        return shared ? Datum.shared(rows, cols, gaussian(rows * cols))
                : Datum.batched(B, rows, cols, gaussian(B * rows * cols));
    }

    /** Symmetric positive definite n×n: MᵀM/n + I. */
    Datum spd(boolean shared, int n) {
        int copies = shared ? 1 : B;
        double[] v = new double[copies * n * n];
        for (int i = 0; i < copies; i++) {
            double[] m = gaussian(n * n);
            for (int r = 0; r < n; r++) {
                for (int c = 0; c < n; c++) {
                    double s = 0;
                    for (int k = 0; k < n; k++) {
                        s += m[k * n + r] * m[k * n + c];
                    }
                    v[i * n * n + r * n + c] = s / n + (r == c ? 1 : 0);
                }
            }
        }
        return shared ? Datum.shared(n, n, v) : Datum.batched(B, n, n, v);
    }

    double[] gaussian(int count) {
        double[] v = new double[count];
        for (int k = 0; k < count; k++) {
            v[k] = rnd.nextGaussian();
        }
        return v;
    }

    Datum positive(int length) {
        double[] v = new double[B * length];
        for (int k = 0; k < v.length; k++) {
            v[k] = 0.1 + rnd.nextDouble() * 3;
        }
        return Datum.batchedVector(B, length, v);
    }

    void setMask(boolean[] mask) {
        cpu.setActive(mask);
        dut.setActive(mask);
    }

    // ---- comparisons

    void same(V v, String what) {
        double[] a = new double[(v.shared ? 1 : B) * v.length], b = new double[a.length];
        cpu.read(v.c, a);
        dut.read(v.d, b);
        close(a, b, what);
    }

    void same(Mx m, String what) {
        double[] a = new double[(m.shared ? 1 : B) * m.rows * m.cols], b = new double[a.length];
        cpu.read(m.c, a);
        dut.read(m.d, b);
        close(a, b, what);
    }

    /** Problem {@code i}'s block of a matrix handle, from the backend under test or the CPU. */
    double[] problem(Mx m, int i, boolean underTest) {
        double[] all = new double[(m.shared ? 1 : B) * m.rows * m.cols];
        (underTest ? dut : cpu).read(underTest ? m.d : m.c, all);
        int s = m.rows * m.cols, o = m.shared ? 0 : i * s;
        return Arrays.copyOfRange(all, o, o + s);
    }

    void close(double[] expected, double[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int k = 0; k < expected.length; k++) {
            double e = expected[k], a = actual[k];
            boolean ok = Double.isNaN(e) ? Double.isNaN(a)
                    : Double.isInfinite(e) ? e == a
                    : Math.abs(e - a) <= tolerance() * (1 + Math.abs(e));
            if (!ok) {
                fail(what + ": entry " + k + " expected " + e + " got " + a + "\n expected " + Arrays.toString(expected)
                        + "\n actual   " + Arrays.toString(actual));
            }
        }
    }

    /** Runs a reduction on both with outputs pre-filled with a sentinel, which inactive problems must keep. */
    void sameReduction(java.util.function.BiConsumer<Backend, double[]> op, String what) {
        double[] a = new double[B], b = new double[B];
        Arrays.fill(a, 12345);
        Arrays.fill(b, 12345);
        op.accept(cpu, a);
        op.accept(dut, b);
        close(a, b, what);
    }

    Backend cpu() {
        return cpu;
    }

    Backend dut() {
        return dut;
    }

    // ---- the contract

    @Test
    void readAndWriteRoundTrip() {
        for (boolean shared : new boolean[] {false, true}) {
            V v = vec(randomVector(shared, N));
            same(v, "upload shared=" + shared);
            double[] in = gaussian((shared ? 1 : B) * N);
            cpu.write(in, v.c);
            dut.write(in, v.d);
            double[] back = new double[in.length];
            dut.read(v.d, back);
            assertArrayEquals(in, back, "write then read, shared=" + shared);
            Mx m = mat(randomMatrix(shared, M, N));
            same(m, "matrix upload shared=" + shared);
            same(zeros(M, N, shared), "zero matrix shared=" + shared);
            same(zeros(N, shared), "zero vector shared=" + shared);
        }
    }

    @Test
    void multiplyInEveryTransposeAndSharing() {
        for (boolean transpose : new boolean[] {false, true}) {
            for (boolean sharedM : new boolean[] {false, true}) {
                for (boolean sharedX : new boolean[] {false, true}) {
                    Mx a = mat(randomMatrix(sharedM, M, N));
                    V x = vec(randomVector(sharedX, transpose ? M : N));
                    V y = vec(randomVector(false, transpose ? N : M));
                    setMask(MASK);
                    cpu.multiply(a.c, transpose, x.c, 1.5, -0.5, y.c);
                    dut.multiply(a.d, transpose, x.d, 1.5, -0.5, y.d);
                    same(y, "y = 1.5·op(M)x − 0.5y, transpose=" + transpose + " sharedM=" + sharedM + " sharedX="
                            + sharedX);
                    setMask(new boolean[] {true, true, true, true, true});
                    cpu.multiply(a.c, transpose, x.c, 1, 0, y.c);
                    dut.multiply(a.d, transpose, x.d, 1, 0, y.d);
                    same(y, "y = op(M)x, all active");
                }
            }
        }
    }

    @Test
    void normalMatrixWithSharedAndBatchedData() {
        for (boolean sharedQ : new boolean[] {false, true}) {
            for (boolean sharedG : new boolean[] {false, true}) {
                Mx q = mat(spd(sharedQ, N));
                Mx g = mat(randomMatrix(sharedG, M, N));
                V w = vec(positive(M));
                Mx k = zeros(N, N, false);
                setMask(MASK);
                cpu.formNormalMatrix(q.c, g.c, w.c, k.c);
                dut.formNormalMatrix(q.d, g.d, w.d, k.d);
                same(k, "K = Q + GᵀWG, sharedQ=" + sharedQ + " sharedG=" + sharedG);
            }
        }
        Mx q = mat(spd(false, N));
        Mx k = zeros(N, N, false);
        cpu.formNormalMatrix(q.c, null, null, k.c);
        dut.formNormalMatrix(q.d, null, null, k.d);
        same(k, "K = Q without inequalities");
    }

    @Test
    void choleskyFlagsFactorAndSolve() {
        double[] values = spd(false, N).values().clone();
        // Problem 2 (active) indefinite, problem 3 with a NaN: both must fail, alone.
        values[2 * N * N + 3 * N + 3] = -50;
        values[3 * N * N] = Double.NaN;
        Mx k = mat(Datum.batched(B, N, N, values));
        setMask(MASK);
        boolean[] okC = {true, true, true, true, true}, okD = okC.clone();
        Arrays.fill(okD, true);
        cpu.cholesky(k.c, okC);
        dut.cholesky(k.d, okD);
        assertArrayEquals(new boolean[] {true, true, false, false, true}, okC, "CPU flags (inactive untouched)");
        assertArrayEquals(okC, okD, "Cholesky flags");
        for (int i : new int[] {0, 1, 4}) {
            // 0: factored (upper triangle zero); 1, 4: inactive, untouched.
            close(problem(k, i, false), problem(k, i, true), "factor of problem " + i);
        }
        V b = vec(randomVector(false, N));
        boolean[] solvable = {true, false, false, false, false};
        setMask(solvable);
        cpu.choleskySolve(k.c, b.c);
        dut.choleskySolve(k.d, b.d);
        same(b, "L·Lᵀ·x = b for problem 0 only");
    }

    @Test
    void schurComplementWithSharedAndBatchedA() {
        for (boolean sharedA : new boolean[] {false, true}) {
            Mx k = mat(spd(false, N));
            boolean[] ok = new boolean[B];
            setMask(MASK);
            cpu.cholesky(k.c, ok);
            dut.cholesky(k.d, ok.clone());
            Mx a = mat(randomMatrix(sharedA, Q, N));
            Mx work = zeros(Q, N, false);
            Mx s = zeros(Q, Q, false);
            cpu.formSchurComplement(k.c, a.c, work.c, s.c);
            dut.formSchurComplement(k.d, a.d, work.d, s.d);
            same(s, "S = A·K⁻¹·Aᵀ, sharedA=" + sharedA);
            same(work, "Z = A·L⁻ᵀ");
        }
    }

    @Test
    void outerProductsPerProblemAndSummedIntoShared() {
        for (boolean shared : new boolean[] {false, true}) {
            V u = vec(randomVector(false, M));
            V v = vec(randomVector(shared, N));
            Mx out = mat(randomMatrix(shared, M, N));
            setMask(MASK);
            cpu.addOuterProduct(u.c, v.c, 0.75, out.c);
            dut.addOuterProduct(u.d, v.d, 0.75, out.d);
            same(out, "out += 0.75·u·vᵀ, shared out=" + shared);
        }
    }

    @Test
    void diagonalOperations() {
        Mx k = mat(randomMatrix(false, N, N));
        setMask(MASK);
        sameReduction((be, out) -> be.maxDiagonal(be == cpu ? k.c : k.d, out), "max diagonal");
        double[] shift = gaussian(B);
        cpu.addToDiagonal(k.c, shift);
        dut.addToDiagonal(k.d, shift);
        same(k, "diagonal shifted");
    }

    @Test
    void elementWiseOperations() {
        for (boolean sharedSource : new boolean[] {false, true}) {
            V x = vec(randomVector(sharedSource, N));
            V y = vec(randomVector(false, N));
            setMask(MASK);
            cpu.copy(x.c, y.c);
            dut.copy(x.d, y.d);
            same(y, "copy, shared source=" + sharedSource);
            cpu.axpby(2, x.c, -3, y.c);
            dut.axpby(2, x.d, -3, y.d);
            same(y, "axpby");
            cpu.multiplyElements(y.c, x.c, y.c);
            dut.multiplyElements(y.d, x.d, y.d);
            same(y, "multiply in place");
            V z = vec(positive(N));
            cpu.divideElements(y.c, z.c, z.c);
            dut.divideElements(y.d, z.d, z.d);
            same(z, "divide into the divisor");
        }
        V y = vec(randomVector(false, N));
        setMask(MASK);
        cpu.fill(y.c, 0.25);
        dut.fill(y.d, 0.25);
        same(y, "fill");
        double[] c = gaussian(B);
        cpu.addScalar(c, y.c);
        dut.addScalar(c, y.d);
        same(y, "add scalar");
    }

    @Test
    void axpyPerProblemAndSummedIntoShared() {
        double[] a = gaussian(B);
        for (boolean sharedX : new boolean[] {false, true}) {
            V x = vec(randomVector(sharedX, N));
            V y = vec(randomVector(false, N));
            setMask(MASK);
            cpu.axpy(a, x.c, y.c);
            dut.axpy(a, x.d, y.d);
            same(y, "y += a·x, shared x=" + sharedX);
        }
        V x = vec(randomVector(false, N));
        V acc = vec(randomVector(true, N));
        setMask(MASK);
        cpu.axpy(a, x.c, acc.c);
        dut.axpy(a, x.d, acc.d);
        same(acc, "shared y += Σ active a·x");
    }

    @Test
    void reductionsWithNaNEmptyAndUnlimitedSteps() {
        double[] av = gaussian(B * N);
        av[2 * N + 4] = Double.NaN; // problem 2 (active): NaN norm, NaN min
        V a = vec(Datum.batchedVector(B, N, av));
        V bShared = vec(randomVector(true, N));
        setMask(MASK);
        sameReduction((be, out) -> be.dot(be == cpu ? a.c : a.d, be == cpu ? bShared.c : bShared.d, out), "dot");
        sameReduction((be, out) -> be.normInf(be == cpu ? a.c : a.d, out), "normInf");
        sameReduction((be, out) -> be.min(be == cpu ? a.c : a.d, out), "min");
        V empty = zeros(0, false);
        sameReduction((be, out) -> be.normInf(be == cpu ? empty.c : empty.d, out), "normInf of empty");
        sameReduction((be, out) -> be.min(be == cpu ? empty.c : empty.d, out), "min of empty");
        double[] dv = gaussian(B * N);
        for (int e = 0; e < N; e++) {
            dv[3 * N + e] = Math.abs(dv[3 * N + e]); // problem 3: nothing limits the step
        }
        V v = vec(positive(N));
        V d = vec(Datum.batchedVector(B, N, dv));
        double[] steps = new double[B];
        dut.maxStep(v.d, d.d, steps);
        assertEquals(Double.POSITIVE_INFINITY, steps[3], "no negative direction: +∞");
        sameReduction((be, out) -> be.maxStep(be == cpu ? v.c : v.d, be == cpu ? d.c : d.d, out), "maxStep");
    }

    @Test
    void diagonalDataAgreeWithTheCpuDiagonalFastPath() {
        // Q = 0.1·I and G = −I (OptNet's Sudoku layer): the CPU backend takes O(n) paths, this one the general.
        double[] qv = new double[N * N], gv = new double[N * N];
        for (int r = 0; r < N; r++) {
            qv[r * N + r] = 0.1;
            gv[r * N + r] = -1;
        }
        Mx q = mat(Datum.shared(N, N, qv));
        Mx g = mat(Datum.shared(N, N, gv));
        V w = vec(positive(N));
        Mx k = zeros(N, N, false);
        setMask(MASK);
        cpu.formNormalMatrix(q.c, g.c, w.c, k.c);
        dut.formNormalMatrix(q.d, g.d, w.d, k.d);
        same(k, "diagonal K");
        boolean[] okC = new boolean[B], okD = new boolean[B];
        cpu.cholesky(k.c, okC);
        dut.cholesky(k.d, okD);
        assertArrayEquals(okC, okD);
        same(k, "diagonal factor");
        V b = vec(randomVector(false, N));
        cpu.choleskySolve(k.c, b.c);
        dut.choleskySolve(k.d, b.d);
        same(b, "diagonal solve");
        V x = vec(randomVector(false, N));
        V y = vec(randomVector(false, N));
        cpu.multiply(g.c, true, x.c, 1, 1, y.c);
        dut.multiply(g.d, true, x.d, 1, 1, y.d);
        same(y, "y += Gᵀx with diagonal G");
    }

    @Test
    void randomSequencesOfOperationsUnderChangingMasks() {
        // Masks change between operations as problems converge: cached pointer arrays and index lists must
        // follow. Every handle is compared after each step.
        Mx q = mat(spd(true, N));
        Mx g = mat(randomMatrix(false, M, N));
        Mx k = zeros(N, N, false);
        V w = vec(positive(M));
        V x = vec(randomVector(false, N));
        V y = vec(randomVector(false, M));
        V acc = vec(randomVector(true, N));
        boolean[] ok = new boolean[B];
        for (int step = 0; step < 60; step++) {
            boolean[] mask = new boolean[B];
            for (int i = 0; i < B; i++) {
                mask[i] = rnd.nextInt(3) > 0;
            }
            if (rnd.nextBoolean()) {
                setMask(mask);
            }
            int op = rnd.nextInt(7);
            String what = "step " + step + " op " + op + " mask " + Arrays.toString(mask);
            switch (op) {
                case 0 -> {
                    cpu.multiply(g.c, false, x.c, 1, 0.5, y.c);
                    dut.multiply(g.d, false, x.d, 1, 0.5, y.d);
                }
                case 1 -> {
                    cpu.multiply(g.c, true, y.c, -1, 1, x.c);
                    dut.multiply(g.d, true, y.d, -1, 1, x.d);
                }
                case 2 -> {
                    cpu.formNormalMatrix(q.c, g.c, w.c, k.c);
                    dut.formNormalMatrix(q.d, g.d, w.d, k.d);
                    boolean[] okD = ok.clone();
                    cpu.cholesky(k.c, ok);
                    dut.cholesky(k.d, okD);
                    assertArrayEquals(ok, okD, what);
                    cpu.choleskySolve(k.c, x.c);
                    dut.choleskySolve(k.d, x.d);
                }
                case 3 -> {
                    double[] a = gaussian(B);
                    cpu.axpy(a, x.c, acc.c);
                    dut.axpy(a, x.d, acc.d);
                }
                case 4 -> sameReduction((be, out) -> be.dot(be == cpu ? x.c : x.d, be == cpu ? acc.c : acc.d, out),
                        what + " dot");
                case 5 -> {
                    cpu.multiplyElements(w.c, y.c, y.c);
                    dut.multiplyElements(w.d, y.d, y.d);
                }
                default -> sameReduction((be, out) -> be.normInf(be == cpu ? y.c : y.d, out), what + " normInf");
            }
            same(x, what + ": x");
            same(y, what + ": y");
            same(acc, what + ": shared accumulator");
        }
    }

    @Test
    void aSharedOutputKeepsTheLastActiveProblemsResult() {
        // The CPU backend's sequential loops leave the last active problem's value in a shared output.
        V x = vec(randomVector(false, N));
        V target = vec(randomVector(true, N));
        setMask(MASK);
        cpu.copy(x.c, target.c);
        dut.copy(x.d, target.d);
        same(target, "copy into a shared vector");
        cpu.fill(target.c, 2.5);
        dut.fill(target.d, 2.5);
        same(target, "fill a shared vector");
        // (An operation that also reads its shared output, like axpby, folds over the problems on the CPU;
        // the interface defines shared outputs only for axpy and addOuterProduct, so that is not compared.)
    }

    @Test
    void nothingActiveTouchesNothing() {
        V y = vec(randomVector(false, N));
        V x = vec(randomVector(false, N));
        setMask(new boolean[B]);
        dut.axpby(1, x.d, 1, y.d);
        dut.fill(y.d, 3);
        double[] out = new double[B];
        Arrays.fill(out, 7);
        dut.dot(x.d, y.d, out);
        for (double o : out) {
            assertEquals(7, o);
        }
        same(y, "untouched");
        assertTrue(true);
    }
}
