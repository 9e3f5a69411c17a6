package io.github.diffqp.test;

import io.github.diffqp.backward.Parameter;
import io.github.diffqp.solver.QpProblem;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.LinearSolverFactory_DDRM;
import org.ejml.interfaces.linsol.LinearSolverDense;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The exact solution and vector–Jacobian product of one QP once its active set 𝒜 is known, computed
 * independently of DiffQP's solver: a dense LU (EJML, partial pivoting) of the equality-constrained
 * KKT matrix
 * <pre>
 *       [ Q   G_𝒜ᵀ  Aᵀ ]
 *   K = [ G_𝒜  0    0  ]      K·[x; λ_𝒜; ν] = [−p; h_𝒜; b]
 *       [ A    0    0  ]
 * </pre>
 * With 𝒜 fixed the solution is linear in (p, h, b) and smooth in (Q, G, A), so the adjoint
 * K·[d_x; d_λ; d_ν] = [−g; 0; 0] (K is symmetric) gives the exact gradients of ℓ = gᵀx:
 * {@code ∂p = d_x, ∂Q = ½(d_x xᵀ + x d_xᵀ), ∂G_𝒜 = d_λ xᵀ + λ_𝒜 d_xᵀ, ∂h_𝒜 = −d_λ, ∂A = d_ν xᵀ + ν d_xᵀ,
 * ∂b = −d_ν}; rows off 𝒜 get zero (λ = 0 there and h does not enter). This is OptNet's formula with the
 * complementarity rows restricted to 𝒜, which is the true derivative wherever 𝒜 is strictly
 * complementary (it stays the optimal active set under small perturbations).
 *
 * <p>The answer is only the QP's optimum if 𝒜 is right: {@link #isOptimal} checks λ_𝒜 ≥ 0 and
 * Gx ≤ h off 𝒜. EJML reaches the test module through cpu-fallback; it is not DiffQP code.
 */
final class ActiveSetReference {
    /** The reference optimum: λ has all m rows (0 off 𝒜). */
    record Solution(double[] x, double[] lambda, double[] nu) {
    }

    private final QpProblem pr;
    private final int n, m, q;
    /** Active rows in increasing order; their position k in this array is their row in K. */
    private final int[] rows;
    private final DMatrixRMaj kkt;
    private final LinearSolverDense<DMatrixRMaj> lu;
    private final Solution solution;

    ActiveSetReference(QpProblem pr, boolean[] active) {
        this.pr = pr;
        this.n = pr.n();
        this.m = pr.m();
        this.q = pr.q();
        this.rows = indices(active, m);
        int na = rows.length, size = n + na + q;
        kkt = new DMatrixRMaj(size, size);
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < n; c++) {
                kkt.set(r, c, pr.Q()[r * n + c]);
            }
            for (int k = 0; k < na; k++) {
                setSymmetric(n + k, r, pr.G()[rows[k] * n + r]);
            }
            for (int j = 0; j < q; j++) {
                setSymmetric(n + na + j, r, pr.A()[j * n + r]);
            }
        }
        lu = LinearSolverFactory_DDRM.lu(size);
        if (!lu.setA(lu.modifiesA() ? kkt.copy() : kkt)) {
            throw new IllegalArgumentException("singular KKT matrix: [G_A; A] rank deficient for this active set?");
        }
        double[] rhs = new double[size];
        for (int r = 0; r < n; r++) {
            rhs[r] = -pr.p()[r];
        }
        for (int k = 0; k < na; k++) {
            rhs[n + k] = pr.h()[rows[k]];
        }
        System.arraycopy(pr.b(), 0, rhs, n + na, q);
        double[] z = solve(rhs);
        double[] lambda = new double[m];
        for (int k = 0; k < na; k++) {
            lambda[rows[k]] = z[n + k];
        }
        solution = new Solution(slice(z, 0, n), lambda, slice(z, n + na, q));
    }

    Solution solution() {
        return solution;
    }

    /**
     * Whether the active-set solution is the QP's optimum up to {@code tol}: λ_𝒜 ≥ −tol and
     * (Gx − h)_j ≤ tol off 𝒜 (stationarity and the active/equality rows hold by construction).
     */
    boolean isOptimal(double tol) {
        return minimumMargin() >= -tol;
    }

    /** min over rows of (λ_j on 𝒜, h_j − G_j x off 𝒜): negative when 𝒜 is wrong, near 0 when degenerate. */
    double minimumMargin() {
        double worst = Double.POSITIVE_INFINITY;
        int k = 0;
        for (int j = 0; j < m; j++) {
            boolean isActive = k < rows.length && rows[k] == j;
            if (isActive) {
                worst = Math.min(worst, solution.lambda[j]);
                k++;
            } else {
                worst = Math.min(worst, pr.h()[j] - RandomQp.dot(pr.G(), j * n, solution.x, n));
            }
        }
        return worst;
    }

    /**
     * The gradients of gᵀx with respect to every datum present (G, h only when m > 0; A, b only when
     * q > 0), each row-major in its datum's shape for this one problem.
     */
    Map<Parameter, double[]> vjp(double[] g) {
        int na = rows.length;
        double[] rhs = new double[n + na + q];
        for (int r = 0; r < n; r++) {
            rhs[r] = -g[r];
        }
        double[] d = solve(rhs);
        double[] dx = slice(d, 0, n), dnu = slice(d, n + na, q);
        double[] x = solution.x;
        // dλ over all m rows (0 off 𝒜) so that ∂G and ∂h come out of the same outer-product form as ∂A, ∂b.
        double[] dlambda = new double[m];
        for (int k = 0; k < na; k++) {
            dlambda[rows[k]] = d[n + k];
        }
        Map<Parameter, double[]> out = new EnumMap<>(Parameter.class);
        double[] dQ = outerSum(dx, x, x, dx);
        for (int k = 0; k < dQ.length; k++) {
            dQ[k] *= 0.5;
        }
        out.put(Parameter.Q, dQ);
        out.put(Parameter.P, dx);
        if (m > 0) {
            out.put(Parameter.G, outerSum(dlambda, x, solution.lambda, dx));
            out.put(Parameter.H, negated(dlambda));
        }
        if (q > 0) {
            out.put(Parameter.A, outerSum(dnu, x, solution.nu, dx));
            out.put(Parameter.B, negated(dnu));
        }
        return out;
    }

    /** The gradient of a shared datum: the sum of the per-problem gradients (every problem sees the change). */
    static double[] sum(List<Map<Parameter, double[]>> perProblem, Parameter parameter) {
        double[] total = perProblem.get(0).get(parameter).clone();
        for (int i = 1; i < perProblem.size(); i++) {
            double[] v = perProblem.get(i).get(parameter);
            for (int k = 0; k < total.length; k++) {
                total[k] += v[k];
            }
        }
        return total;
    }

    /**
     * How far an answer is from the reference: ‖ours − ref‖∞ / ‖ref‖∞, or the absolute difference where
     * ref = 0; ∞ if ours has a NaN (so that a broken answer is the worst, not silently skipped by max).
     */
    static double relativeError(double[] ours, double[] ref) {
        double diff = 0, size = 0;
        for (int k = 0; k < ref.length; k++) {
            double d = Math.abs(ours[k] - ref[k]);
            diff = Double.isNaN(d) ? Double.POSITIVE_INFINITY : Math.max(diff, d);
            size = Math.max(size, Math.abs(ref[k]));
        }
        return size == 0 ? diff : diff / size;
    }

    /**
     * K⁻¹·rhs with one step of iterative refinement, so that the reference is accurate to a few ulps of
     * the answer even where K's LU loses a few digits; the point is to be far more accurate than DiffQP.
     */
    private double[] solve(double[] rhs) {
        DMatrixRMaj z = new DMatrixRMaj(rhs.length, 1);
        lu.solve(DMatrixRMaj.wrap(rhs.length, 1, rhs.clone()), z); // a copy: some EJML solvers overwrite B
        DMatrixRMaj residual = new DMatrixRMaj(rhs.length, 1);
        CommonOps_DDRM.mult(kkt, z, residual);
        CommonOps_DDRM.subtract(DMatrixRMaj.wrap(rhs.length, 1, rhs), residual, residual);
        DMatrixRMaj correction = new DMatrixRMaj(rhs.length, 1);
        lu.solve(residual, correction);
        CommonOps_DDRM.addEquals(z, correction);
        return z.data;
    }

    private void setSymmetric(int r, int c, double v) {
        kkt.set(r, c, v);
        kkt.set(c, r, v);
    }

    /** {@code a bᵀ + c dᵀ}, row-major (a, c of one length, b, d of another). */
    private static double[] outerSum(double[] a, double[] b, double[] c, double[] d) {
        double[] out = new double[a.length * b.length];
        for (int r = 0; r < a.length; r++) {
            for (int k = 0; k < b.length; k++) {
                out[r * b.length + k] = a[r] * b[k] + c[r] * d[k];
            }
        }
        return out;
    }

    private static double[] negated(double[] v) {
        double[] out = new double[v.length];
        for (int k = 0; k < v.length; k++) {
            out[k] = -v[k];
        }
        return out;
    }

    private static double[] slice(double[] v, int from, int length) {
        double[] out = new double[length];
        System.arraycopy(v, from, out, 0, length);
        return out;
    }

    private static int[] indices(boolean[] active, int m) {
        if (active.length != m) {
            throw new IllegalArgumentException("active set of " + active.length + " rows for m = " + m);
        }
        int count = 0;
        for (boolean a : active) {
            count += a ? 1 : 0;
        }
        int[] out = new int[count];
        int k = 0;
        for (int j = 0; j < m; j++) {
            if (active[j]) {
                out[k++] = j;
            }
        }
        return out;
    }
}
