package io.github.diffqp.testing;

import io.github.diffqp.solver.Datum;
import io.github.diffqp.solver.backend.Backend;
import io.github.diffqp.solver.backend.BatchMatrix;
import io.github.diffqp.solver.backend.BatchVector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;
import java.util.function.BiConsumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Operation by operation, a backend against the {@link ReferenceBackend} ({@link Backend}'s javadoc as
 * textbook loops): same inputs, same mask, same results, including what a mask leaves untouched, shared
 * operands read by every problem, sums into shared outputs, Cholesky flags, NaN and empty-vector rules
 * (docs/DESIGN.md §4.5). Each backend's tests extend it and supply the backend: the CPU backend
 * (cpu-fallback), the CUDA backend on a simulated device and on a GPU ({@code @Tag("gpu")}) (native-kernels).
 *
 * <p>Most cases are small (n = 7). Two run the operations of a Newton step queued under changing masks and
 * read only at the end, once small and once at n = 40: a backend that defers work (the CPU backend records
 * it and runs it problem by problem, on the calling thread below about 50 000 flops per batch, on the
 * common pool above) must give the results of running each call at once, with its own mask.
 */
public abstract class BackendContract {
    private static final int B = 5;
    /** Problems 1 and 4 inactive: their outputs must stay as they were. */
    private static final boolean[] MASK = {true, false, true, true, false};
    private static final boolean[] ALL = {true, true, true, true, true};
    private static final int N = 7, M = 4, Q = 3;

    /** The backend under test, for batches of {@code batchSize}; may abort the test (an assumption). */
    protected abstract Backend create(int batchSize);

    /** Relative tolerance of the comparison (summation orders differ). */
    protected double tolerance() {
        return 1e-11;
    }

    private Backend ref, dut;
    private final Random rnd = new Random(20240611);

    @BeforeEach
    void open() {
        ref = new ReferenceBackend(B);
        dut = create(B);
        assertEquals(B, dut.batchSize());
    }

    @AfterEach
    void closeBoth() {
        ref.close();
        if (dut != null) {
            dut.close();
        }
    }

    // ---- paired handles: r on the reference, d on the backend under test

    private record V(BatchVector r, BatchVector d, int length, boolean shared) {
    }

    private record Mx(BatchMatrix r, BatchMatrix d, int rows, int cols, boolean shared) {
    }

    private V vec(Datum d) {
        return new V(ref.vector(d), dut.vector(d), d.rows(), d.isShared());
    }

    private Mx mat(Datum d) {
        return new Mx(ref.matrix(d), dut.matrix(d), d.rows(), d.cols(), d.isShared());
    }

    private Mx zeros(int rows, int cols, boolean shared) {
        return new Mx(ref.matrix(rows, cols, shared), dut.matrix(rows, cols, shared), rows, cols, shared);
    }

    private V zeros(int length, boolean shared) {
        return new V(ref.vector(length, shared), dut.vector(length, shared), length, shared);
    }

    /** The handle of {@code v} that belongs to {@code backend}. */
    private BatchVector on(Backend backend, V v) {
        return backend == ref ? v.r : v.d;
    }

    private BatchMatrix on(Backend backend, Mx m) {
        return backend == ref ? m.r : m.d;
    }

    private Datum randomVector(boolean shared, int length) {
        return shared ? Datum.sharedVector(gaussian(length)) : Datum.batchedVector(B, length, gaussian(B * length));
    }

    private Datum randomMatrix(boolean shared, int rows, int cols) {
        return shared ? Datum.shared(rows, cols, gaussian(rows * cols))
                : Datum.batched(B, rows, cols, gaussian(B * rows * cols));
    }

    /** Symmetric positive definite n×n: MᵀM/n + I. */
    private Datum spd(boolean shared, int n) {
        int copies = shared ? 1 : B;
        double[] v = RandomData.spd(rnd, copies, n, 1);
        return shared ? Datum.shared(n, n, v) : Datum.batched(B, n, n, v);
    }

    private double[] gaussian(int count) {
        return RandomData.gaussian(rnd, count);
    }

    private Datum positive(int length) {
        double[] v = new double[B * length];
        for (int k = 0; k < v.length; k++) {
            v[k] = 0.1 + rnd.nextDouble() * 3;
        }
        return Datum.batchedVector(B, length, v);
    }

    private void setMask(boolean[] mask) {
        ref.setActive(mask);
        dut.setActive(mask);
    }

    // ---- comparisons

    private void same(V v, String what) {
        double[] a = new double[(v.shared ? 1 : B) * v.length], b = new double[a.length];
        ref.read(v.r, a);
        dut.read(v.d, b);
        close(a, b, what);
    }

    private void same(Mx m, String what) {
        double[] a = new double[(m.shared ? 1 : B) * m.rows * m.cols], b = new double[a.length];
        ref.read(m.r, a);
        dut.read(m.d, b);
        close(a, b, what);
    }

    /** Problem {@code i}'s block of a matrix handle, from {@code backend}. */
    private double[] problem(Mx m, int i, Backend backend) {
        double[] all = new double[(m.shared ? 1 : B) * m.rows * m.cols];
        backend.read(on(backend, m), all);
        int s = m.rows * m.cols, o = m.shared ? 0 : i * s;
        return Arrays.copyOfRange(all, o, o + s);
    }

    /** Entry by entry within {@link #tolerance()}·(1 + |expected|); NaN only where expected, ±∞ exactly. */
    private void close(double[] expected, double[] actual, String what) {
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
    private void sameReduction(BiConsumer<Backend, double[]> op, String what) {
        double[] a = new double[B], b = new double[B];
        Arrays.fill(a, 12345);
        Arrays.fill(b, 12345);
        op.accept(ref, a);
        op.accept(dut, b);
        close(a, b, what);
    }

    // ---- the contract

    @Test
    void readAndWriteRoundTrip() {
        for (boolean shared : new boolean[] {false, true}) {
            V v = vec(randomVector(shared, N));
            same(v, "upload shared=" + shared);
            double[] in = gaussian((shared ? 1 : B) * N);
            ref.write(in, v.r);
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
                    ref.multiply(a.r, transpose, x.r, 1.5, -0.5, y.r);
                    dut.multiply(a.d, transpose, x.d, 1.5, -0.5, y.d);
                    same(y, "y = 1.5·op(M)x − 0.5y, transpose=" + transpose + " sharedM=" + sharedM + " sharedX="
                            + sharedX);
                    setMask(ALL);
                    ref.multiply(a.r, transpose, x.r, 1, 0, y.r);
                    dut.multiply(a.d, transpose, x.d, 1, 0, y.d);
                    same(y, "y = op(M)x, all active");
                }
            }
        }
    }

    /**
     * A backend may keep facts about an uploaded matrix for its products (the CPU backend notes that M is
     * symmetric, or diagonal): a product after an operation wrote the matrix must read what was written, and
     * a product recorded before the write what was there before.
     */
    @Test
    void productsReadWhatAnOperationWroteIntoAnUploadedMatrix() {
        Mx sym = mat(spd(false, N));
        Mx rect = mat(randomMatrix(false, M, N));
        V x = vec(randomVector(false, N));
        V u = vec(randomVector(false, M)), v = vec(randomVector(false, N));
        V before = vec(randomVector(false, N)), after = vec(randomVector(false, N));
        V rectBefore = vec(randomVector(false, M)), rectAfter = vec(randomVector(false, M));
        double[] shift = {1, 2, 3, 4, 5};
        setMask(MASK);
        for (Backend be : new Backend[] {ref, dut}) {
            boolean r = be == ref;
            be.multiply(r ? sym.r : sym.d, false, r ? x.r : x.d, 1, 0, r ? before.r : before.d);
            be.multiply(r ? rect.r : rect.d, false, r ? x.r : x.d, 1, 0, r ? rectBefore.r : rectBefore.d);
            be.addToDiagonal(r ? sym.r : sym.d, shift);
            be.addOuterProduct(r ? v.r : v.d, r ? x.r : x.d, 0.5, r ? sym.r : sym.d); // no longer symmetric
            be.addOuterProduct(r ? u.r : u.d, r ? x.r : x.d, 0.5, r ? rect.r : rect.d);
            be.multiply(r ? sym.r : sym.d, false, r ? x.r : x.d, 1, 0, r ? after.r : after.d);
            be.multiply(r ? rect.r : rect.d, false, r ? x.r : x.d, 1, 0, r ? rectAfter.r : rectAfter.d);
        }
        same(before, "S·x before S's diagonal was shifted");
        same(rectBefore, "M·x before M += ½uxᵀ");
        same(after, "S·x after S's diagonal was shifted and S += ½vxᵀ");
        same(rectAfter, "M·x after M += ½uxᵀ");
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
                ref.formNormalMatrix(q.r, g.r, w.r, k.r);
                dut.formNormalMatrix(q.d, g.d, w.d, k.d);
                same(k, "K = Q + GᵀWG, sharedQ=" + sharedQ + " sharedG=" + sharedG);
            }
        }
        Mx q = mat(spd(false, N));
        Mx k = zeros(N, N, false);
        ref.formNormalMatrix(q.r, null, null, k.r);
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
        boolean[] okR = {true, true, true, true, true}, okD = okR.clone();
        ref.cholesky(k.r, okR);
        dut.cholesky(k.d, okD);
        boolean[] expected = {true, true, false, false, true}; // 1 and 4 inactive: left as they were
        assertArrayEquals(expected, okR, "reference flags");
        assertArrayEquals(expected, okD, "Cholesky flags");
        for (int i : new int[] {0, 1, 4}) {
            // 0: factored (upper triangle zero); 1, 4: inactive, untouched.
            close(problem(k, i, ref), problem(k, i, dut), "factor of problem " + i);
        }
        V b = vec(randomVector(false, N));
        setMask(new boolean[] {true, false, false, false, false});
        ref.choleskySolve(k.r, b.r);
        dut.choleskySolve(k.d, b.d);
        same(b, "L·Lᵀ·x = b for problem 0 only");
    }

    @Test
    void schurComplementWithSharedAndBatchedA() {
        for (boolean sharedA : new boolean[] {false, true}) {
            Mx k = mat(spd(false, N));
            boolean[] ok = new boolean[B];
            setMask(MASK);
            ref.cholesky(k.r, ok);
            dut.cholesky(k.d, ok.clone());
            Mx a = mat(randomMatrix(sharedA, Q, N));
            Mx s = zeros(Q, Q, false);
            // The work matrix is scratch (its contents afterwards are not part of the interface).
            ref.formSchurComplement(k.r, a.r, ref.matrix(Q, N, false), s.r);
            dut.formSchurComplement(k.d, a.d, dut.matrix(Q, N, false), s.d);
            same(s, "S = A·K⁻¹·Aᵀ, sharedA=" + sharedA);
        }
    }

    @Test
    void outerProductsPerProblemAndSummedIntoShared() {
        for (boolean shared : new boolean[] {false, true}) {
            V u = vec(randomVector(false, M));
            V v = vec(randomVector(shared, N));
            Mx out = mat(randomMatrix(shared, M, N));
            setMask(MASK);
            ref.addOuterProduct(u.r, v.r, 0.75, out.r);
            dut.addOuterProduct(u.d, v.d, 0.75, out.d);
            same(out, "out += 0.75·u·vᵀ, shared out=" + shared);
        }
    }

    @Test
    void diagonalOperations() {
        Mx k = mat(randomMatrix(false, N, N));
        setMask(MASK);
        sameReduction((be, out) -> be.maxDiagonal(on(be, k), out), "max diagonal");
        double[] shift = gaussian(B);
        ref.addToDiagonal(k.r, shift);
        dut.addToDiagonal(k.d, shift);
        same(k, "diagonal shifted");
    }

    @Test
    void elementWiseOperations() {
        for (boolean sharedSource : new boolean[] {false, true}) {
            V x = vec(randomVector(sharedSource, N));
            V y = vec(randomVector(false, N));
            setMask(MASK);
            ref.copy(x.r, y.r);
            dut.copy(x.d, y.d);
            same(y, "copy, shared source=" + sharedSource);
            ref.axpby(2, x.r, -3, y.r);
            dut.axpby(2, x.d, -3, y.d);
            same(y, "axpby");
            ref.multiplyElements(y.r, x.r, y.r);
            dut.multiplyElements(y.d, x.d, y.d);
            same(y, "multiply in place");
            V z = vec(positive(N));
            ref.divideElements(y.r, z.r, z.r);
            dut.divideElements(y.d, z.d, z.d);
            same(z, "divide into the divisor");
        }
        V y = vec(randomVector(false, N));
        setMask(MASK);
        ref.fill(y.r, 0.25);
        dut.fill(y.d, 0.25);
        same(y, "fill");
        double[] c = gaussian(B);
        ref.addScalar(c, y.r);
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
            ref.axpy(a, x.r, y.r);
            dut.axpy(a, x.d, y.d);
            same(y, "y += a·x, shared x=" + sharedX);
        }
        V x = vec(randomVector(false, N));
        V acc = vec(randomVector(true, N));
        setMask(MASK);
        ref.axpy(a, x.r, acc.r);
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
        sameReduction((be, out) -> be.dot(on(be, a), on(be, bShared), out), "dot");
        sameReduction((be, out) -> be.normInf(on(be, a), out), "normInf");
        sameReduction((be, out) -> be.min(on(be, a), out), "min");
        V empty = zeros(0, false);
        sameReduction((be, out) -> be.normInf(on(be, empty), out), "normInf of empty");
        sameReduction((be, out) -> be.min(on(be, empty), out), "min of empty");
        double[] dv = gaussian(B * N);
        for (int e = 0; e < N; e++) {
            dv[3 * N + e] = Math.abs(dv[3 * N + e]); // problem 3: nothing limits the step
        }
        V v = vec(positive(N));
        V d = vec(Datum.batchedVector(B, N, dv));
        double[] steps = new double[B];
        dut.maxStep(v.d, d.d, steps);
        assertEquals(Double.POSITIVE_INFINITY, steps[3], "no negative direction: +∞");
        sameReduction((be, out) -> be.maxStep(on(be, v), on(be, d), out), "maxStep");
    }

    @Test
    void diagonalQAndGAsInOptNetsSudokuLayer() {
        // Q = 0.1·I and G = −I: a backend may take O(n) paths for diagonal data (the CPU backend does).
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
        ref.formNormalMatrix(q.r, g.r, w.r, k.r);
        dut.formNormalMatrix(q.d, g.d, w.d, k.d);
        same(k, "diagonal K");
        boolean[] okR = new boolean[B], okD = new boolean[B];
        ref.cholesky(k.r, okR);
        dut.cholesky(k.d, okD);
        assertArrayEquals(okR, okD);
        same(k, "diagonal factor");
        V b = vec(randomVector(false, N));
        ref.choleskySolve(k.r, b.r);
        dut.choleskySolve(k.d, b.d);
        same(b, "diagonal solve");
        V x = vec(randomVector(false, N));
        V y = vec(randomVector(false, N));
        ref.multiply(g.r, true, x.r, 1, 1, y.r);
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
                    ref.multiply(g.r, false, x.r, 1, 0.5, y.r);
                    dut.multiply(g.d, false, x.d, 1, 0.5, y.d);
                }
                case 1 -> {
                    ref.multiply(g.r, true, y.r, -1, 1, x.r);
                    dut.multiply(g.d, true, y.d, -1, 1, x.d);
                }
                case 2 -> {
                    ref.formNormalMatrix(q.r, g.r, w.r, k.r);
                    dut.formNormalMatrix(q.d, g.d, w.d, k.d);
                    boolean[] okD = ok.clone();
                    ref.cholesky(k.r, ok);
                    dut.cholesky(k.d, okD);
                    assertArrayEquals(ok, okD, what);
                    ref.choleskySolve(k.r, x.r);
                    dut.choleskySolve(k.d, x.d);
                }
                case 3 -> {
                    double[] a = gaussian(B);
                    ref.axpy(a, x.r, acc.r);
                    dut.axpy(a, x.d, acc.d);
                }
                case 4 -> sameReduction((be, out) -> be.dot(on(be, x), on(be, acc), out), what + " dot");
                case 5 -> {
                    ref.multiplyElements(w.r, y.r, y.r);
                    dut.multiplyElements(w.d, y.d, y.d);
                }
                default -> sameReduction((be, out) -> be.normInf(on(be, y), out), what + " normInf");
            }
            same(x, what + ": x");
            same(y, what + ": y");
            same(acc, what + ": shared accumulator");
        }
    }

    @Test
    void aNewtonStepQueuedUnderChangingMasks() {
        newtonStepQueuedUnderChangingMasks(N, M, Q);
    }

    @Test
    void aLargerNewtonStepQueuedUnderChangingMasks() {
        newtonStepQueuedUnderChangingMasks(40, 30, 8);
    }

    /**
     * The operations of a Newton step and of a backward, the mask changed between them and nothing read
     * until a result must come back to the host (the flags, a reduction, the end).
     */
    private void newtonStepQueuedUnderChangingMasks(int n, int m, int q) {
        Mx qm = mat(spd(true, n));
        Mx gm = mat(randomMatrix(false, m, n));
        Mx am = mat(randomMatrix(true, q, n));
        V w = vec(positive(m));
        V rx = vec(randomVector(false, n));
        V ry = vec(randomVector(false, m));
        V acc = zeros(n, true);
        Mx k = zeros(n, n, false);
        Mx s = zeros(q, q, false);
        Mx dG = zeros(m, n, true);
        double[] shift = {1e-3, 2e-3, 3e-3, 4e-3, 5e-3};

        setMask(ALL);
        ref.formNormalMatrix(qm.r, gm.r, w.r, k.r);
        dut.formNormalMatrix(qm.d, gm.d, w.d, k.d);
        setMask(new boolean[] {true, true, true, false, true}); // problem 3 converged: its K stays unshifted
        ref.addToDiagonal(k.r, shift);
        dut.addToDiagonal(k.d, shift);
        ref.multiply(gm.r, true, ry.r, 1, 1, rx.r);
        dut.multiply(gm.d, true, ry.d, 1, 1, rx.d);
        setMask(MASK);
        ref.axpby(0.5, rx.r, 2, rx.r);
        dut.axpby(0.5, rx.d, 2, rx.d);
        setMask(ALL);
        boolean[] okR = new boolean[B], okD = new boolean[B];
        ref.cholesky(k.r, okR);
        dut.cholesky(k.d, okD);
        assertArrayEquals(ALL, okR, "reference: every K positive definite");
        assertArrayEquals(okR, okD, "Cholesky flags");

        setMask(new boolean[] {false, true, true, true, true});
        ref.choleskySolve(k.r, rx.r);
        dut.choleskySolve(k.d, rx.d);
        ref.formSchurComplement(k.r, am.r, ref.matrix(q, n, false), s.r);
        dut.formSchurComplement(k.d, am.d, dut.matrix(q, n, false), s.d);
        ref.multiply(gm.r, false, rx.r, -1, 1, ry.r);
        dut.multiply(gm.d, false, rx.d, -1, 1, ry.d);
        setMask(MASK);
        ref.multiplyElements(w.r, ry.r, ry.r);
        dut.multiplyElements(w.d, ry.d, ry.d);
        setMask(new boolean[] {true, true, false, true, true});
        ref.addOuterProduct(ry.r, rx.r, -1, dG.r);
        dut.addOuterProduct(ry.d, rx.d, -1, dG.d);
        double[] a = gaussian(B);
        ref.axpy(a, rx.r, acc.r);
        dut.axpy(a, rx.d, acc.d);
        ref.divideElements(ry.r, w.r, ry.r);
        dut.divideElements(ry.d, w.d, ry.d);
        sameReduction((be, out) -> be.dot(on(be, rx), on(be, rx), out), "‖rx‖²");

        String size = " (n=" + n + ", m=" + m + ", q=" + q + ")";
        same(k, "K's factor" + size);
        same(s, "S" + size);
        same(rx, "rx" + size);
        same(ry, "ry" + size);
        same(acc, "shared Σ a·rx" + size);
        same(dG, "shared −Σ ry·rxᵀ" + size);
    }

    @Test
    void aSharedOutputKeepsTheLastActiveProblemsResult() {
        // Not defined by the interface (only axpy and addOuterProduct define a shared output, as a sum), but
        // every backend gives the sequential result, and this keeps them alike.
        V x = vec(randomVector(false, N));
        V target = vec(randomVector(true, N));
        setMask(MASK);
        ref.copy(x.r, target.r);
        dut.copy(x.d, target.d);
        same(target, "copy into a shared vector");
        ref.fill(target.r, 2.5);
        dut.fill(target.d, 2.5);
        same(target, "fill a shared vector");
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
    }
}
