package io.github.diffqp.backward;

import io.github.diffqp.solver.BatchData;
import io.github.diffqp.solver.Datum;
import io.github.diffqp.solver.QpBatch;
import io.github.diffqp.solver.QpSolution;
import io.github.diffqp.solver.SolvedBatch;
import io.github.diffqp.solver.Status;
import io.github.diffqp.solver.backend.Backend;
import io.github.diffqp.solver.backend.BatchMatrix;
import io.github.diffqp.solver.backend.BatchVector;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * A solved batch held for differentiation (docs/DESIGN.md §3). The backward solves the transposed
 * differentiated KKT system at the solution, which reduces to the forward's own reduced system
 * <pre>
 *   [ K  Aᵀ ] [d_x]   [ −g ]        K = Q + Gᵀ·W·G,   u = W·G·d_x,   W below
 *   [ A  0  ] [d_ν] = [  0 ]
 * </pre>
 * and reuses the factorization the forward kept, then assembles
 * {@code ∂p = d_x, ∂Q = ½(d_x xᵀ + x d_xᵀ), ∂h = −u, ∂G = u xᵀ + λ d_xᵀ, ∂b = −d_ν, ∂A = d_ν xᵀ + ν d_xᵀ}.
 *
 * <p>The weights (§3.2): for a polished problem, those of its active-set solve, W⁻¹ = 0 on active and W = 0
 * on inactive rows, so the system is the active set's KKT system and the result is the exact derivative of
 * x* (for a degenerate problem, the documented element of the generalized Jacobian, §2.6). For a problem
 * whose polish was rejected, {@code W = diag((λ/s)³)} at the final iterate: λ/s would give the derivative
 * of the barrier-smoothed problem at the final μ, off by O(s/λ) on active and O(λ/s) on inactive rows;
 * cubing reads the iterate as if μ were far smaller.
 */
public final class LayerForward implements AutoCloseable {
    private final SolvedBatch solved;
    private final Backend be;
    private final BatchData data;
    private final QpBatch batch;
    private final int B, n, m, q;
    private final boolean[] usable;
    private final double[] ones, minusOnes;
    /**
     * Work vectors of {@link #backward} and {@link #jvp}: the KKT system's right-hand side (rx, ru, ry) and
     * solution (dx, du, dy); ru, du are null when m = 0, ry, dy when q = 0. Made by the first call and reused
     * by the later ones (training calls backward once per forward, a Jacobian column by column calls jvp
     * n times), each call zeroing them first.
     */
    private BatchVector rx, ru, ry, dx, du, dy;

    LayerForward(SolvedBatch solved) {
        this.solved = solved;
        this.be = solved.backend();
        this.data = solved.data();
        this.batch = data.batch();
        this.B = batch.size();
        this.n = batch.n();
        this.m = batch.m();
        this.q = batch.q();
        QpSolution sol = solved.solution();
        boolean[] factored = solved.factored();
        this.usable = new boolean[B];
        for (int i = 0; i < B; i++) {
            Status s = sol.status(i);
            usable[i] = factored[i] && (s == Status.SOLVED || s == Status.MAX_ITERATIONS);
        }
        this.ones = new double[B];
        this.minusOnes = new double[B];
        Arrays.fill(ones, 1);
        Arrays.fill(minusOnes, -1);
    }

    public QpSolution solution() {
        return solved.solution();
    }

    /** All six gradients (those whose datum is present). */
    public Gradients backward(double[] dlDx) {
        return backward(dlDx, EnumSet.allOf(Parameter.class));
    }

    /** The requested gradients only. */
    public Gradients backward(double[] dlDx, Parameter first, Parameter... rest) {
        return backward(dlDx, EnumSet.of(first, rest));
    }

    /**
     * The requested gradients for {@code dlDx} = ∂ℓ/∂x*, stacked B×n. Gradients of absent data (G, h when
     * m = 0; A, b when q = 0) are left out.
     */
    public Gradients backward(double[] dlDx, Set<Parameter> wanted) {
        requireLength("dl_dx", dlDx, B * n);
        for (int k = 0; k < dlDx.length; k++) {
            if (!Double.isFinite(dlDx[k])) {
                throw new IllegalArgumentException("dl_dx of problem " + k / n + ": value [" + k % n + "] is " + dlDx[k]);
            }
        }
        be.setActive(usable);
        clearWork();
        be.write(dlDx, rx);
        be.axpby(0, rx, -1, rx);
        solved.solveKkt(rx, null, ry, dx, du, dy, usable);
        BatchVector u = du, dnu = dy;
        Map<Parameter, Datum> out = new EnumMap<>(Parameter.class);
        BatchVector x = solved.x();
        if (wanted.contains(Parameter.Q)) {
            BatchMatrix dQ = be.matrix(n, n, batch.Q().isShared());
            be.addOuterProduct(dx, x, 0.5, dQ);
            be.addOuterProduct(x, dx, 0.5, dQ);
            out.put(Parameter.Q, read(dQ));
        }
        if (wanted.contains(Parameter.P)) {
            out.put(Parameter.P, sum(dx, ones, batch.p().isShared()));
        }
        if (m > 0 && wanted.contains(Parameter.H)) {
            out.put(Parameter.H, sum(u, minusOnes, batch.h().isShared()));
        }
        if (m > 0 && wanted.contains(Parameter.G)) {
            BatchMatrix dG = be.matrix(m, n, batch.G().isShared());
            be.addOuterProduct(u, x, 1, dG);
            be.addOuterProduct(solved.lambda(), dx, 1, dG);
            out.put(Parameter.G, read(dG));
        }
        if (q > 0 && wanted.contains(Parameter.B)) {
            out.put(Parameter.B, sum(dnu, minusOnes, batch.b().isShared()));
        }
        if (q > 0 && wanted.contains(Parameter.A)) {
            BatchMatrix dA = be.matrix(q, n, batch.A().isShared());
            be.addOuterProduct(dnu, x, 1, dA);
            be.addOuterProduct(solved.nu(), dx, 1, dA);
            out.put(Parameter.A, read(dA));
        }
        requireFinite(out);
        return new Gradients(out, statuses(), degenerateFlags());
    }

    /**
     * Forward-mode product: dx* for data directions {@code dQ, dp, dG, dh, dA, db} (any may be null, each
     * shaped like a datum of the batch, shared or per problem), stacked B×n: the differentiated KKT
     * system with right-hand side {@code rx = −(dQ·x + dp + dGᵀλ + dAᵀν)}, {@code ru = −(dG·x − dh)},
     * {@code ry = −(dA·x − db)}.
     */
    public double[] jvp(Datum dQ, Datum dp, Datum dG, Datum dh, Datum dA, Datum db) {
        Datum[] directions = {dQ, dp, dG, dh, dA, db};
        for (Parameter p : Parameter.values()) {
            requireShapedLike(p, directions[p.ordinal()]);
        }
        be.setActive(usable);
        clearWork();
        BatchVector r1 = rx;
        BatchVector x = solved.x();
        if (dQ != null) {
            be.multiply(be.matrix(dQ), false, x, -1, 1, r1);
        }
        if (dp != null) {
            be.axpby(-1, be.vector(dp), 1, r1);
        }
        BatchVector ru = null;
        if (m > 0 && (dG != null || dh != null)) {
            ru = this.ru;
            if (dG != null) {
                BatchMatrix g = be.matrix(dG);
                be.multiply(g, true, solved.lambda(), -1, 1, r1);
                be.multiply(g, false, x, -1, 0, ru);
            }
            if (dh != null) {
                be.axpby(1, be.vector(dh), 1, ru);
            }
        }
        BatchVector r2 = ry;
        if (q > 0) {
            if (dA != null) {
                BatchMatrix a = be.matrix(dA);
                be.multiply(a, true, solved.nu(), -1, 1, r1);
                be.multiply(a, false, x, -1, 0, r2);
            }
            if (db != null) {
                be.axpby(1, be.vector(db), 1, r2);
            }
        }
        solved.solveKkt(r1, ru, r2, dx, du, dy, usable);
        double[] result = new double[B * n];
        be.read(dx, result);
        return result;
    }

    /** Makes the work vectors on the first call; sets them to zero for the usable problems (the backend's mask). */
    private void clearWork() {
        if (rx == null) {
            rx = be.vector(n, false);
            dx = be.vector(n, false);
            ru = m > 0 ? be.vector(m, false) : null;
            du = m > 0 ? be.vector(m, false) : null;
            ry = q > 0 ? be.vector(q, false) : null;
            dy = q > 0 ? be.vector(q, false) : null;
        }
        for (BatchVector v : new BatchVector[] {rx, ru, ry, dx, du, dy}) {
            if (v != null) {
                be.fill(v, 0);
            }
        }
    }

    /** Σ over the batch of {@code sign·v} when shared, else {@code sign·v} per problem; zero for unusable problems. */
    private Datum sum(BatchVector v, double[] sign, boolean shared) {
        BatchVector acc = be.vector(v.length(), shared);
        be.axpy(sign, v, acc);
        double[] values = new double[(shared ? 1 : B) * v.length()];
        be.read(acc, values);
        return shared ? Datum.sharedVector(values) : Datum.batchedVector(B, v.length(), values);
    }

    private Datum read(BatchMatrix mat) {
        double[] values = new double[(mat.isShared() ? 1 : B) * mat.rows() * mat.cols()];
        be.read(mat, values);
        return mat.isShared() ? Datum.shared(mat.rows(), mat.cols(), values)
                : Datum.batched(B, mat.rows(), mat.cols(), values);
    }

    private Status[] statuses() {
        Status[] s = new Status[B];
        for (int i = 0; i < B; i++) {
            s[i] = solved.solution().status(i);
        }
        return s;
    }

    /**
     * A gradient that overflowed (dl_dx near the largest double, times x) is refused rather than handed on as
     * ±∞ or NaN, naming the datum and the problem.
     */
    private void requireFinite(Map<Parameter, Datum> gradients) {
        for (Map.Entry<Parameter, Datum> e : gradients.entrySet()) {
            Datum d = e.getValue();
            double[] values = d.values();
            for (int k = 0; k < values.length; k++) {
                if (!Double.isFinite(values[k])) {
                    String where = d.isShared() ? "(summed over the batch)" : "of problem " + k / d.stride();
                    throw new IllegalArgumentException("d" + e.getKey().symbol() + " " + where + " is " + values[k]
                            + ": the gradients overflow for this dl_dx; scale it down");
                }
            }
        }
    }

    private boolean[] degenerateFlags() {
        boolean[] flags = new boolean[B];
        for (int i = 0; i < B; i++) {
            flags[i] = solved.solution().degenerate(i);
        }
        return flags;
    }

    /** A direction must have its datum's shape, and be shared or hold one copy per problem. */
    private void requireShapedLike(Parameter p, Datum direction) {
        if (direction == null) {
            return;
        }
        Datum datum = p.of(batch);
        String name = "d" + p.symbol();
        if (datum == null) {
            throw new IllegalArgumentException(name + ": the batch has no " + p.symbol() + " to move");
        }
        if (direction.rows() != datum.rows() || direction.cols() != datum.cols()) {
            throw new IllegalArgumentException(name + ": shape is " + direction.rows() + "×" + direction.cols()
                    + ", expected " + datum.rows() + "×" + datum.cols() + " like " + p.symbol());
        }
        if (!direction.isShared() && direction.batchSize() != B) {
            throw new IllegalArgumentException(name + ": holds " + direction.batchSize() + " problems, the batch " + B);
        }
    }

    private static void requireLength(String name, double[] v, int expected) {
        if (v == null || v.length != expected) {
            throw new IllegalArgumentException(name + ": expected " + expected + " values (B×n), got "
                    + (v == null ? "null" : v.length));
        }
    }

    @Override
    public void close() {
        solved.close();
    }
}
