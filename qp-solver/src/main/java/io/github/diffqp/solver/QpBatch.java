package io.github.diffqp.solver;

import io.github.diffqp.solver.backend.BackendCapacityException;

import java.util.List;
import java.util.stream.IntStream;

/**
 * A batch of B convex QPs of one shape,
 * <pre>
 *   minimize ½ xᵀQx + pᵀx (+ c0)   subject to  Gx ≤ h  (m rows),  Ax = b  (q rows),   x ∈ ℝⁿ,
 * </pre>
 * each datum per problem or shared by all (see {@link Datum}). Built and validated by
 * {@link #builder()}; an instance is always valid.
 *
 * <pre>{@code
 * QpBatch batch = QpBatch.builder()
 *     .Q(Datum.shared(2, 2, new double[] {1, 0, 0, 1}))
 *     .p(Datum.batchedVector(2, 2, new double[] {1, 1, -1, 2}))
 *     .G(Datum.shared(1, 2, new double[] {1, 1})).h(Datum.sharedVector(new double[] {1}))
 *     .build();
 * }</pre>
 */
public final class QpBatch {
    /** Largest |Qᵢⱼ − Qⱼᵢ| accepted, relative to 1 + max |Q|. */
    public static final double SYMMETRY_TOLERANCE = 1e-9;
    /**
     * The convexity test's shift δ relative to max |Q| (√ε): Q passes when Q + δI has a Cholesky factor.
     * Rounding in a computed positive semidefinite Q (a Gram matrix GᵀG, say) moves its eigenvalues by
     * about n·ε·max|Q|, far below δ, so such a Q always passes; a Q with an eigenvalue below −δ never does.
     */
    public static final double CONVEXITY_TOLERANCE = 1.5e-8;
    /** The most variables a dense n×n matrix can hold in one Java array. */
    public static final int MAX_VARIABLES = 46_340;

    private final int size;
    private final int n;
    private final int m;
    private final int q;
    private final Datum Q;
    private final Datum p;
    private final Datum G;
    private final Datum h;
    private final Datum A;
    private final Datum b;
    private final Datum c0;

    private QpBatch(Builder in) {
        if (in.p == null) {
            throw new InvalidProblemException("p", -1, "the linear term p is required (it fixes n)");
        }
        this.n = in.p.rows();
        if (n == 0) {
            throw new InvalidProblemException("p", -1, "no variables (n = 0): a problem needs at least one");
        }
        requireVariables(n);
        requireShape("p", in.p, n, 1, "(a vector)");
        if (in.Q == null) {
            BackendCapacityException.requireHeap(8L * n * n, "the zero Q of an LP with n = " + n);
        }
        this.Q = in.Q != null ? in.Q : Datum.shared(n, n, new double[n * n]);
        requireShape("Q", Q, n, n, "(n = " + n + ", the length of p)");
        if ((in.G == null) != (in.h == null)) {
            throw new InvalidProblemException(in.G == null ? "G" : "h", -1,
                    "G and h go together: " + (in.G == null ? "h is given without G" : "G is given without h"));
        }
        if ((in.A == null) != (in.b == null)) {
            throw new InvalidProblemException(in.A == null ? "A" : "b", -1,
                    "A and b go together: " + (in.A == null ? "b is given without A" : "A is given without b"));
        }
        this.m = in.G == null ? 0 : in.G.rows();
        this.q = in.A == null ? 0 : in.A.rows();
        this.G = in.G;
        this.h = in.h;
        this.A = in.A;
        this.b = in.b;
        if (G != null) {
            requireShape("G", G, m, n, "(n = " + n + ", the length of p)");
            requireShape("h", h, m, 1, "(a vector of m = " + m + ", the rows of G)");
        }
        if (A != null) {
            requireShape("A", A, q, n, "(n = " + n + ", the length of p)");
            requireShape("b", b, q, 1, "(a vector of q = " + q + ", the rows of A)");
        }
        this.p = in.p;
        this.c0 = in.c0 != null ? in.c0 : Datum.sharedVector(new double[1]);
        requireShape("c0", c0, 1, 1, "(one constant per problem)");
        this.size = batchSize(in.size);
        String[] names = {"Q", "p", "G", "h", "A", "b", "c0"};
        Datum[] data = {Q, p, G, h, A, b, c0};
        boolean zeroQ = in.Q == null; // made here: finite, symmetric and convex, and n² to scan for nothing
        for (int k = zeroQ ? 1 : 0; k < names.length; k++) {
            if (data[k] != null) {
                requireFinite(names[k], data[k]);
            }
        }
        if (!zeroQ) {
            requireSymmetric(Q);
            requireConvex(Q);
        }
    }

    /**
     * Refuses more variables than a dense n×n matrix can hold in one Java array ({@link #MAX_VARIABLES}),
     * for readers to call before they allocate anything of size n².
     *
     * @throws InvalidProblemException naming p, which fixes n
     */
    public static void requireVariables(int n) {
        if (n > MAX_VARIABLES) {
            throw new InvalidProblemException("p", -1, "n = " + n + " variables is more than DiffQP can hold: its"
                    + " solver is dense and an n×n matrix of more than 2³¹ entries fits no Java array (n ≤ "
                    + MAX_VARIABLES + ")");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Stacks problems of one shape into a batch, every datum per problem.
     *
     * @throws InvalidProblemException when shapes differ, naming the first problem that differs
     */
    public static QpBatch stack(List<QpProblem> problems) {
        if (problems.isEmpty()) {
            throw new InvalidProblemException("batch", -1, "no problems to stack");
        }
        QpProblem first = problems.get(0);
        int B = problems.size();
        int n = first.n(), m = first.m(), q = first.q();
        long entries = (long) B * n * Math.max(n, Math.max(m, q));
        if (entries > Integer.MAX_VALUE - 8) {
            throw new InvalidProblemException("batch", -1, B + " problems with n = " + n + ", m = " + m + ", q = " + q
                    + " need " + entries + " entries in one array, more than Java can hold: stack fewer problems");
        }
        BackendCapacityException.requireHeap(8L * B * ((long) n * n + n + (long) m * n + m + (long) q * n + q + 1),
                "stacking " + B + (B == 1 ? " problem" : " problems") + " (n = " + n + ", m = " + m + ", q = " + q + ")");
        double[] Qs = new double[B * n * n], ps = new double[B * n];
        double[] Gs = new double[B * m * n], hs = new double[B * m];
        double[] As = new double[B * q * n], bs = new double[B * q], c0s = new double[B];
        for (int i = 0; i < B; i++) {
            QpProblem pr = problems.get(i);
            if (pr.n() != n || pr.m() != m || pr.q() != q) {
                throw new InvalidProblemException("batch", i, "shape (n=" + pr.n() + ", m=" + pr.m() + ", q=" + pr.q()
                        + ") differs from problem 0's (n=" + n + ", m=" + m + ", q=" + q + ")");
            }
            System.arraycopy(pr.Q(), 0, Qs, i * n * n, n * n);
            System.arraycopy(pr.p(), 0, ps, i * n, n);
            System.arraycopy(pr.G(), 0, Gs, i * m * n, m * n);
            System.arraycopy(pr.h(), 0, hs, i * m, m);
            System.arraycopy(pr.A(), 0, As, i * q * n, q * n);
            System.arraycopy(pr.b(), 0, bs, i * q, q);
            c0s[i] = pr.objectiveConstant();
        }
        Builder bl = builder().Q(Datum.batched(B, n, n, Qs)).p(Datum.batchedVector(B, n, ps))
                .objectiveConstant(Datum.batchedVector(B, 1, c0s));
        if (m > 0) {
            bl.G(Datum.batched(B, m, n, Gs)).h(Datum.batchedVector(B, m, hs));
        }
        if (q > 0) {
            bl.A(Datum.batched(B, q, n, As)).b(Datum.batchedVector(B, q, bs));
        }
        return bl.build();
    }

    /** Problem {@code i} on its own, its data copied. */
    public QpProblem problem(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("problem " + i + " of a batch of " + size);
        }
        return new QpProblem(n, Q.problem(i), p.problem(i), G == null ? new double[0] : G.problem(i),
                h == null ? new double[0] : h.problem(i), A == null ? new double[0] : A.problem(i),
                b == null ? new double[0] : b.problem(i), objectiveConstant(i));
    }

    /** The number of problems B. */
    public int size() {
        return size;
    }

    /** Variables per problem. */
    public int n() {
        return n;
    }

    /** Inequality rows per problem (0 when G, h are absent). */
    public int m() {
        return m;
    }

    /** Equality rows per problem (0 when A, b are absent). */
    public int q() {
        return q;
    }

    /** The quadratic term; a shared zero matrix when none was given. */
    public Datum Q() {
        return Q;
    }

    public Datum p() {
        return p;
    }

    /** The inequality matrix, or null when m = 0. */
    public Datum G() {
        return G;
    }

    /** The inequality bound, or null when m = 0. */
    public Datum h() {
        return h;
    }

    /** The equality matrix, or null when q = 0. */
    public Datum A() {
        return A;
    }

    /** The equality right-hand side, or null when q = 0. */
    public Datum b() {
        return b;
    }

    /**
     * The objective's constant term c0 (1×1 per problem, or shared), zero when none was given. It does not
     * change the solution; the solver uses it only so that its relative duality-gap test is not fooled
     * when c0 cancels the rest of the objective (see {@link SolverOptions#tolerance()}).
     */
    public Datum objectiveConstant() {
        return c0;
    }

    /** Problem {@code i}'s constant term c0. */
    public double objectiveConstant(int i) {
        return c0.get(i, 0, 0);
    }

    /** @param why where the expected sizes come from, in the user's terms */
    private static void requireShape(String name, Datum d, int rows, int cols, String why) {
        if (d.rows() != rows || d.cols() != cols) {
            throw new InvalidProblemException(name, -1, "shape is " + d.rows() + "×" + d.cols() + ", expected "
                    + rows + "×" + cols + " " + why);
        }
    }

    private int batchSize(int declared) {
        int found = declared;
        String foundFrom = declared > 0 ? "the declared batch size" : null;
        String[] names = {"Q", "p", "G", "h", "A", "b", "c0"};
        Datum[] data = {Q, p, G, h, A, b, c0};
        for (int k = 0; k < names.length; k++) {
            Datum d = data[k];
            if (d == null || d.isShared()) {
                continue;
            }
            if (found == 0) {
                found = d.batchSize();
                foundFrom = names[k];
            } else if (d.batchSize() != found) {
                throw new InvalidProblemException(names[k], -1, "holds " + d.batchSize() + " problems but "
                        + foundFrom + " holds " + found);
            }
        }
        return Math.max(found, 1);
    }

    private static void requireFinite(String name, Datum d) {
        double[] v = d.values();
        for (int k = 0; k < v.length; k++) {
            if (!Double.isFinite(v[k])) {
                int problem = d.isShared() ? -1 : k / d.stride();
                int within = k % d.stride();
                String at = d.cols() == 1 ? "[" + within + "]" : "[" + within / d.cols() + "][" + within % d.cols() + "]";
                throw new InvalidProblemException(name, problem, (d.isShared() ? "shared value " : "value ") + name + at
                        + " is " + v[k]);
            }
        }
    }

    private static void requireSymmetric(Datum Q) {
        int n = Q.rows();
        double[] v = Q.values();
        for (int i = 0; i < Q.copies(); i++) {
            int o = Q.offset(i);
            double limit = SYMMETRY_TOLERANCE * (1 + maxAbs(v, o, n * n));
            for (int r = 0; r < n; r++) {
                for (int c = r + 1; c < n; c++) {
                    double a = v[o + r * n + c], t = v[o + c * n + r];
                    if (Math.abs(a - t) > limit) {
                        throw new InvalidProblemException("Q", Q.isShared() ? -1 : i, "not symmetric: Q[" + r + "][" + c
                                + "] = " + a + " but Q[" + c + "][" + r + "] = " + t);
                    }
                }
            }
        }
    }

    /**
     * Refuses a Q that is not positive semidefinite: DiffQP's method (and its derivative) assume a convex
     * QP, and on a nonconvex one it could stop at a point it would wrongly call solved. The test is a
     * Cholesky factorization of Q + δI, δ = {@link #CONVEXITY_TOLERANCE}·max|Q|: n³/3 flops for each
     * distinct Q (once for a shared Q, problems in parallel), about one interior-point iteration's
     * factorization; a diagonal Q (the Sudoku layer's, an LP's zero Q) costs only a scan.
     */
    private static void requireConvex(Datum Q) {
        int n = Q.rows();
        int[] breakdown = new int[Q.copies()];
        double[] shift = new double[Q.copies()];
        IntStream.range(0, Q.copies()).parallel().forEach(i -> {
            double scale = maxAbs(Q.values(), Q.offset(i), n * n);
            shift[i] = CONVEXITY_TOLERANCE * scale;
            breakdown[i] = scale == 0 ? -1 : choleskyBreakdown(Q.values(), Q.offset(i), n, shift[i]);
        });
        for (int i = 0; i < breakdown.length; i++) {
            if (breakdown[i] >= 0) {
                throw new InvalidProblemException("Q", Q.isShared() ? -1 : i, "not positive semidefinite, so the QP is"
                        + " not convex (DiffQP solves convex QPs only): the Cholesky factorization of Q + δI, δ = "
                        + CONVEXITY_TOLERANCE + "·max|Q| = " + shift[i] + ", breaks down at row " + breakdown[i]);
            }
        }
    }

    private static double maxAbs(double[] v, int offset, int length) {
        double max = 0;
        for (int k = offset; k < offset + length; k++) {
            max = Math.max(max, Math.abs(v[k]));
        }
        return max;
    }

    /**
     * The first row at which the Cholesky factorization of the n×n matrix at {@code a[offset..]} plus
     * {@code shift}·I meets a pivot that is not positive, or −1 when it succeeds. Row by row, so that every
     * inner product runs over two contiguous rows; a diagonal matrix needs no factorization.
     */
    private static int choleskyBreakdown(double[] a, int offset, int n, double shift) {
        if (isDiagonal(a, offset, n)) {
            for (int j = 0; j < n; j++) {
                if (!(a[offset + j * n + j] + shift > 0)) {
                    return j;
                }
            }
            return -1;
        }
        BackendCapacityException.requireHeap(8L * n * n, "the convexity test of Q (n = " + n + ")");
        double[] L = new double[n * n]; // rows of the lower factor, each used up to its diagonal
        for (int j = 0; j < n; j++) {
            int rj = j * n;
            for (int k = 0; k < j; k++) {
                int rk = k * n;
                double s = a[offset + rj + k];
                for (int t = 0; t < k; t++) {
                    s -= L[rj + t] * L[rk + t];
                }
                L[rj + k] = s / L[rk + k];
            }
            double d = a[offset + rj + j] + shift;
            for (int t = 0; t < j; t++) {
                d -= L[rj + t] * L[rj + t];
            }
            if (!(d > 0)) {
                return j;
            }
            L[rj + j] = Math.sqrt(d);
        }
        return -1;
    }

    private static boolean isDiagonal(double[] a, int offset, int n) {
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < n; c++) {
                if (r != c && a[offset + r * n + c] != 0) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Collects the data of a batch; {@link #build()} validates them. Q may be left out (an LP). */
    public static final class Builder {
        private int size;
        private Datum Q, p, G, h, A, b, c0;

        private Builder() {
        }

        /**
         * Declares the batch size; needed only when every datum is shared and B should exceed 1. Otherwise
         * B is taken from the per-problem data.
         */
        public Builder size(int batchSize) {
            if (batchSize < 1) {
                throw new InvalidProblemException("batch", -1, "batch size must be at least 1, got " + batchSize);
            }
            this.size = batchSize;
            return this;
        }

        public Builder Q(Datum value) {
            this.Q = value;
            return this;
        }

        public Builder p(Datum value) {
            this.p = value;
            return this;
        }

        public Builder G(Datum value) {
            this.G = value;
            return this;
        }

        public Builder h(Datum value) {
            this.h = value;
            return this;
        }

        public Builder A(Datum value) {
            this.A = value;
            return this;
        }

        public Builder b(Datum value) {
            this.b = value;
            return this;
        }

        /** The objective's constant term, one value per problem ({@code B×1}) or shared ({@code 1×1}). */
        public Builder objectiveConstant(Datum value) {
            this.c0 = value;
            return this;
        }

        /** Validates and builds; throws {@link InvalidProblemException} on the first fault. */
        public QpBatch build() {
            return new QpBatch(this);
        }
    }
}
