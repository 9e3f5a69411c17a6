package io.github.diffqp.batching;

import io.github.diffqp.backward.Parameter;
import io.github.diffqp.solver.Datum;
import io.github.diffqp.solver.QpProblem;
import io.github.diffqp.solver.QpSolution;
import io.github.diffqp.solver.Status;

import java.util.Arrays;

/**
 * Pads a problem to a larger {@link Shape} with inert variables and rows, and cuts results back.
 *
 * <h2>The rules</h2>
 * A problem P of shape (n, m, q) padded to (N, M, Q) with e = N − n added variables {@code x_e} and
 * k = Q − q ≤ e added equality rows (see {@link Shape#fitsIn}) becomes P′:
 * <pre>
 *   Q′ = [ Q  0 ]    p′ = [ p ]    G′ = [ G  0 ]  (M − m zero rows)    h′ = [ h ]
 *        [ 0  I ]         [ 0 ]         [ 0  0 ]                            [ 1 ]
 *
 *   A′ = [ A  0 ]    b′ = [ b ]      E = [ I_k  0 ]: added equality row r reads x_e,r = 0
 *        [ 0  E ]         [ 0 ]
 * </pre>
 * That is: each added variable has {@code Q_ee = 1} and no coupling, {@code p_e = 0} and zero columns in
 * G and A; each added inequality is {@code 0·x ≤ 1}; each added equality pins its own added variable to
 * zero. Original variables and rows keep their indices; the added ones come after them.
 *
 * <h2>Why the answer does not change</h2>
 * The KKT conditions of P′ split into P's own and those of the added block:
 * <ul>
 *   <li>added inequality rows: {@code s_e = 1 − 0·x = 1 > 0}, so complementarity {@code λ_e·s_e = 0}
 *       forces {@code λ_e = 0}: always inactive, slack 1;</li>
 *   <li>added variables: stationarity reads {@code x_e,r + ν_e,r = 0} for the k pinned ones (and
 *       {@code x_e,r = 0} for the rest, whose columns are zero everywhere), and feasibility reads
 *       {@code x_e,r = 0}; so {@code x_e = 0} and {@code ν_e = 0};</li>
 *   <li>original block: the added rows and columns are zero where they meet it, and {@code Q′} has no
 *       coupling, so what is left is exactly P's KKT system.</li>
 * </ul>
 * Hence (x, λ, ν, s) is optimal for P if and only if ((x, 0), (λ, 0), (ν, 0), (s, 1)) is optimal for P′.
 * P′ is feasible exactly when P is ({@code x_e = 0} satisfies every added row, and no added row involves
 * an original variable), and bounded below exactly when P is (its objective is P's plus
 * {@code ½‖x_e‖²}), so infeasible and unbounded problems keep their status. {@code A′} is block diagonal
 * with {@code E} of full row rank, so {@code rank A′ = rank A + k}: padding adds no rank deficiency.
 *
 * <h2>Why gradients do not change</h2>
 * The identity above holds for every value of P's data, so P′'s solution map restricted to P's data is
 * {@code θ ↦ (x*(θ), 0)}, and so on: the derivative of a loss of x* with respect to any datum of P is the
 * same through P′ (with {@code ∂ℓ/∂x_e = 0}, see {@link #padVector}) as through P. In the backward's KKT
 * system the added inequalities have weight {@code λ_e/s_e = 0} and the added variables are decoupled,
 * so the system solved is P's own, extended by zeros. Gradient entries outside P's block are derivatives
 * with respect to padding, not data of P, and are {@linkplain #cut(Parameter, Datum, int, Shape) dropped}.
 *
 * <h2>What does change</h2>
 * The interior-point method reaches the solution only to its tolerance, and P′'s iterates follow their
 * own path (μ averages over M rows, and the added rows take part in the step length), so padded and
 * unpadded answers agree to the tolerance, not bit for bit; iteration counts may differ by a few. The
 * residuals reported for a padded problem are P′'s, which bound P's: P′'s residual vectors hold P's as
 * sub-vectors, and P′'s gap {@code s′ᵀλ′} adds {@code s_eᵀλ_e ≥ 0} to P's.
 */
public final class Padding {
    private Padding() {
    }

    /**
     * {@code problem} padded to {@code target} by the rules above; the problem itself when it already has
     * that shape. The objective constant is kept.
     *
     * @throws IllegalArgumentException when the problem does not {@linkplain Shape#fitsIn fit in} the target
     */
    public static QpProblem pad(QpProblem problem, Shape target) {
        Shape own = Shape.of(problem);
        if (own.equals(target)) {
            return problem;
        }
        if (!own.fitsIn(target)) {
            throw new IllegalArgumentException("a problem of shape (" + own + ") does not fit in (" + target + ")");
        }
        int n = own.n(), m = own.m(), q = own.q();
        int N = target.n(), M = target.m(), Q = target.q();
        double[] Qp = block(problem.Q(), n, n, N, N);
        for (int v = n; v < N; v++) {
            Qp[v * N + v] = 1;
        }
        double[] h = Arrays.copyOf(problem.h(), M);
        Arrays.fill(h, m, M, 1);
        double[] A = block(problem.A(), q, n, Q, N);
        for (int r = q; r < Q; r++) {
            A[r * N + n + (r - q)] = 1; // row r pins added variable r − q
        }
        return new QpProblem(N, Qp, Arrays.copyOf(problem.p(), N), block(problem.G(), m, n, M, N), h, A,
                Arrays.copyOf(problem.b(), Q), problem.objectiveConstant());
    }

    /**
     * Problem {@code i} of a solved padded batch, cut back to its own shape {@code own}: a solution of size
     * one with x, λ, ν and the slacks of the original variables and rows. Status, iterations, objective and
     * residuals are the padded problem's (the objective is P's, since {@code x_e = 0}; the residuals bound
     * P's, see above).
     */
    public static QpSolution cut(QpSolution padded, int i, Shape own) {
        if (own.n() > padded.n() || own.m() > padded.m() || own.q() > padded.q()) {
            throw new IllegalArgumentException("shape (" + own + ") exceeds the solution's (n=" + padded.n()
                    + ", m=" + padded.m() + ", q=" + padded.q() + ")");
        }
        return new QpSolution(1, own.n(), own.m(), own.q(), Arrays.copyOf(padded.x(i), own.n()),
                Arrays.copyOf(padded.lambda(i), own.m()), Arrays.copyOf(padded.nu(i), own.q()),
                Arrays.copyOf(padded.slack(i), own.m()), new double[] {padded.objective(i)},
                new Status[] {padded.status(i)}, new int[] {padded.iterations(i)},
                new double[] {padded.primalResidual(i)}, new double[] {padded.dualResidual(i)},
                new double[] {padded.gap(i)}, new boolean[] {padded.polished(i)},
                new boolean[] {padded.degenerate(i)});
    }

    /**
     * Problem {@code i}'s gradient with respect to {@code parameter}, cut from a padded batch's gradient to
     * the datum's shape in {@code own}: a datum of batch size one. Null when P has no such datum (G, h when
     * m = 0; A, b when q = 0) or the padded batch has none.
     */
    public static Datum cut(Parameter parameter, Datum paddedGradient, int i, Shape own) {
        int rows = rows(parameter, own);
        if (paddedGradient == null || rows == 0) {
            return null;
        }
        int cols = switch (parameter) {
            case P, H, B -> 1;
            case Q, G, A -> own.n();
        };
        double[] values = block(paddedGradient.problem(i), paddedGradient.rows(), paddedGradient.cols(), rows, cols);
        return Datum.batched(1, rows, cols, values);
    }

    /** {@code g} (∂ℓ/∂x* of P) extended by zeros to {@code n} entries: the loss does not see added variables. */
    public static double[] padVector(double[] g, int n) {
        if (g.length > n) {
            throw new IllegalArgumentException("cannot pad " + g.length + " values to " + n);
        }
        return Arrays.copyOf(g, n);
    }

    /** The rows of {@code parameter}'s datum in shape {@code s}. */
    private static int rows(Parameter parameter, Shape s) {
        return switch (parameter) {
            case Q, P -> s.n();
            case G, H -> s.m();
            case A, B -> s.q();
        };
    }

    /**
     * The top-left {@code min(rows, toRows) × min(cols, toCols)} block of a row-major {@code rows × cols}
     * matrix, in a {@code toRows × toCols} matrix of zeros: pads when the target is larger, cuts when it is
     * smaller.
     */
    private static double[] block(double[] from, int rows, int cols, int toRows, int toCols) {
        double[] to = new double[toRows * toCols];
        int keepRows = Math.min(rows, toRows), keepCols = Math.min(cols, toCols);
        for (int r = 0; r < keepRows; r++) {
            System.arraycopy(from, r * cols, to, r * toCols, keepCols);
        }
        return to;
    }
}
