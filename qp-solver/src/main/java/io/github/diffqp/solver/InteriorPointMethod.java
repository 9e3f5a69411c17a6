package io.github.diffqp.solver;

import io.github.diffqp.solver.backend.Backend;
import io.github.diffqp.solver.backend.BatchMatrix;
import io.github.diffqp.solver.backend.BatchVector;

import java.util.Arrays;

/**
 * The batched Mehrotra predictor–corrector primal–dual interior-point method (DESIGN.md §2), written
 * once against {@link Backend}. Slack form {@code Gx + s = h, s ≥ 0}, duals {@code z = λ ≥ 0},
 * {@code y = ν}. Each iteration factors the reduced KKT system once ({@link KktSystem}) and solves it
 * twice, predictor and corrector. A problem that converges, is found infeasible, or fails numerically
 * is frozen (masked out) while the others go on; its iteration count is its own.
 *
 * <p>The method runs on the equilibrated data ({@link Equilibration}): the iterate, residuals and
 * steps are in scaled units, while every test (stopping, infeasibility) and every reported number is
 * in the problem's original units. {@link #finish} maps the final iterate back.
 */
final class InteriorPointMethod {
    /** Fraction of the distance to the boundary a step may go. */
    private static final double STEP_FRACTION = 0.99;
    /** Distance (equilibrated units) beyond which a row's bound barely pulls the starting point. */
    private static final double FAR = 1e3;
    /** Normalized certificate quality that declares a problem infeasible (see {@link #classify}). */
    private static final double INFEASIBILITY_TOLERANCE = 1e-8;

    private final Backend be;
    private final BatchData data;
    private final SolverOptions options;
    private final int B, n, m, q;
    private final BatchMatrix Q, G, A;
    private final BatchVector p, h, b;
    // Iterate, residuals and directions.
    private final BatchVector x, s, z, y, w;
    private final BatchVector rd, rp, re, r1, r2, dx, ds, dz, dy;
    // Scratch: tn (n), tm and corr (m); un, um, uq hold vectors in the original units, for norms.
    private final BatchVector tn, tm, corr, un, um, uq;
    /** The equilibration and its factors on the backend (see {@link Equilibration}). */
    private final Equilibration eq;
    private final Equilibration.Vectors units;
    private final KktSystem kkt;

    // Per-problem host state.
    private final boolean[] active, ok;
    private final Status[] status;
    private final int[] iterations;
    private final double[] objective, primalRes, dualRes, gapOut;
    private final double[] pNorm, hNorm, bNorm, objectiveConstant;
    private final double[] qxNorm, gxNorm, axNorm, vNorm, rdNorm, rpNorm, reNorm, xQx, px, sz;
    private final double[] xNorm, zNorm, yNorm, hz, by, maxGx;
    private final double[] t1, t2, t3, t4, alpha, shift;

    InteriorPointMethod(QpBatch batch, SolverOptions options, Backend backend) {
        this.be = backend;
        this.options = options;
        this.B = batch.size();
        this.n = batch.n();
        this.m = batch.m();
        this.q = batch.q();
        this.eq = Equilibration.of(batch);
        this.data = BatchData.upload(batch, eq, backend);
        this.Q = data.Q();
        this.G = data.G();
        this.A = data.A();
        this.p = data.p();
        this.h = data.h();
        this.b = data.b();
        x = be.vector(n, false);
        rd = be.vector(n, false);
        r1 = be.vector(n, false);
        dx = be.vector(n, false);
        tn = be.vector(n, false);
        s = m > 0 ? be.vector(m, false) : null;
        z = m > 0 ? be.vector(m, false) : null;
        w = m > 0 ? be.vector(m, false) : null;
        rp = m > 0 ? be.vector(m, false) : null;
        ds = m > 0 ? be.vector(m, false) : null;
        dz = m > 0 ? be.vector(m, false) : null;
        tm = m > 0 ? be.vector(m, false) : null;
        corr = m > 0 ? be.vector(m, false) : null;
        y = q > 0 ? be.vector(q, false) : null;
        re = q > 0 ? be.vector(q, false) : null;
        r2 = q > 0 ? be.vector(q, false) : null;
        dy = q > 0 ? be.vector(q, false) : null;
        un = be.vector(n, false);
        um = m > 0 ? be.vector(m, false) : null;
        uq = q > 0 ? be.vector(q, false) : null;
        units = eq.upload(be);
        kkt = newKktSystem(batch);

        objectiveConstant = new double[B];
        for (int i = 0; i < B; i++) {
            objectiveConstant[i] = batch.objectiveConstant(i);
        }
        active = new boolean[B];
        ok = new boolean[B];
        status = new Status[B];
        iterations = new int[B];
        objective = new double[B];
        primalRes = new double[B];
        dualRes = new double[B];
        gapOut = new double[B];
        double[][] scalars = new double[26][B];
        int k = 0;
        pNorm = scalars[k++];
        hNorm = scalars[k++];
        bNorm = scalars[k++];
        qxNorm = scalars[k++];
        gxNorm = scalars[k++];
        axNorm = scalars[k++];
        vNorm = scalars[k++];
        rdNorm = scalars[k++];
        rpNorm = scalars[k++];
        reNorm = scalars[k++];
        xQx = scalars[k++];
        px = scalars[k++];
        sz = scalars[k++];
        xNorm = scalars[k++];
        zNorm = scalars[k++];
        yNorm = scalars[k++];
        hz = scalars[k++];
        by = scalars[k++];
        maxGx = scalars[k++];
        t1 = scalars[k++];
        t2 = scalars[k++];
        t3 = scalars[k++];
        t4 = scalars[k++];
        alpha = scalars[k++];
        shift = scalars[k++];
    }

    /**
     * The KKT system on the scaled data, with the ρ·AᵀA term unless Q is evidently positive definite (see
     * {@link KktSystem}; definiteness does not depend on the scaling). ρ = 1 suits the equilibrated
     * data, whose rows and columns have norm near 1.
     */
    private KktSystem newKktSystem(QpBatch batch) {
        if (q == 0 || KktSystem.evidentlyPositiveDefinite(batch.Q())) {
            return new KktSystem(be, Q, G, A, w, options.regularization(), 0);
        }
        double rho = 1;
        Datum Qrho = KktSystem.addNormalProduct(eq.scaleQ(batch.Q()), eq.scaleA(batch.A()), rho);
        return new KktSystem(be, be.matrix(Qrho), G, A, w, options.regularization(), rho);
    }

    /** Runs the method to the end for every problem; the backend stays open in the result. */
    SolvedBatch run(boolean factorAtSolution) {
        Arrays.fill(active, true);
        be.setActive(active);
        unscaledNorm(p, units.dInverse(), un, pNorm);
        if (m > 0) {
            unscaledNorm(h, units.eInverse(), um, hNorm);
        }
        if (q > 0) {
            unscaledNorm(b, units.fInverse(), uq, bNorm);
        }
        initialize();
        for (int iter = 0; anyActive(); iter++) {
            be.setActive(active);
            computeResiduals();
            classify(iter);
            if (!anyActive()) {
                break;
            }
            be.setActive(active);
            step();
            for (int i = 0; i < B; i++) {
                if (active[i]) {
                    iterations[i]++;
                }
            }
        }
        return finish(factorAtSolution);
    }

    /**
     * CVXOPT's starting point, made robust to far-away constraints. CVXOPT solves the equality-constrained
     * QP with unit weights, {@code (Q + GᵀG)x + Aᵀy = −p + Gᵀh, Ax = b}, i.e. it pulls Gx towards h on every
     * row, then takes {@code s = h − Gx}, {@code z = −s}, each shifted into the positive orthant by one
     * common amount. With a bound of 1e10 (common in QPS files) that goes wrong twice: a one-sided far
     * bound pulls x halfway out to it, and the common shift of z is as large as the largest slack, so
     * every multiplier starts near 1e10. Hence, in the equilibrated units:
     * <ul>
     *   <li>row i's weight is {@code wᵢ = 1 / (1 + (hᵢ/FAR)²)} rather than 1, so a row farther than
     *   {@link #FAR} from the origin barely pulls x, and {@code z = W·(Gx − h)} is its penalty's
     *   multiplier (CVXOPT's z for unit weights);</li>
     *   <li>after the shifts, no pair's product {@code sᵢzᵢ} may much exceed the start's own size
     *   squared, {@code κ = max(1, shift of s, shift of z)²}: {@code z ← (1/z + s/κ)⁻¹ ≈ min(z, κ/s)}.
     *   A row with a huge slack (an inactive far bound) then starts with a tiny multiplier instead of
     *   dominating μ; the other rows keep CVXOPT's values, or nearly.</li>
     * </ul>
     */
    private void initialize() {
        if (m > 0) {
            // w = 1 / (1 + h∘h / FAR²)
            be.multiplyElements(h, h, w);
            be.axpby(0, w, 1 / (FAR * FAR), w);
            Arrays.fill(t1, 1);
            be.addScalar(t1, w);
            be.fill(tm, 1);
            be.divideElements(tm, w, w);
        }
        kkt.factor(active, ok);
        for (int i = 0; i < B; i++) {
            if (!ok[i]) {
                freeze(i, Status.NUMERICAL_ERROR);
            }
        }
        be.setActive(active);
        be.axpby(-1, p, 0, r1);
        if (m > 0) {
            be.multiplyElements(w, h, tm);
            be.multiply(G, true, tm, 1, 1, r1);
        }
        if (q > 0) {
            be.copy(b, r2);
        }
        kkt.solve(r1, r2, x, y, options.refinementSteps());
        if (m == 0) {
            return;
        }
        be.copy(h, s);
        be.multiply(G, false, x, -1, 1, s);
        be.multiplyElements(w, s, z);
        be.axpby(0, s, -1, z); // z = W(Gx − h) = −W∘s
        double[] size = t3;
        shiftIntoOrthant(s);
        for (int i = 0; i < B; i++) {
            size[i] = Math.max(1, shift[i]);
        }
        shiftIntoOrthant(z);
        for (int i = 0; i < B; i++) {
            size[i] = Math.max(size[i], shift[i]);
            t4[i] = 1 / (size[i] * size[i]);
        }
        // z = 1 / (1/z + s/κ)
        be.fill(tm, 1);
        be.divideElements(tm, z, corr);
        be.axpy(t4, s, corr);
        be.divideElements(tm, corr, z);
    }

    /** Adds to each problem's v the amount that brings its least entry up to 1, if it is not positive. */
    private void shiftIntoOrthant(BatchVector v) {
        be.min(v, t1);
        for (int i = 0; i < B; i++) {
            shift[i] = t1[i] > 0 ? 0 : 1 - t1[i];
        }
        be.addScalar(shift, v);
    }

    /**
     * rd = Qx + p + Gᵀz + Aᵀy, rp = Gx + s − h, re = Ax − b (scaled, for the Newton step), with the norms
     * and products that the stopping and infeasibility tests need, in the problem's original units: a
     * tolerance means what it says whatever the equilibration did.
     */
    private void computeResiduals() {
        be.multiply(Q, false, x, 1, 0, rd);
        unscaledNorm(rd, units.dInverse(), un, qxNorm);
        be.dot(x, rd, xQx);
        be.dot(p, x, px);
        unscaledNorm(x, units.d(), un, xNorm);
        be.axpby(1, p, 1, rd);
        be.fill(tn, 0);
        if (m > 0) {
            be.multiply(G, true, z, 1, 0, tn);
        }
        if (q > 0) {
            be.multiply(A, true, y, 1, 1, tn);
        }
        unscaledNorm(tn, units.dInverse(), un, vNorm);
        be.axpby(1, tn, 1, rd);
        unscaledNorm(rd, units.dInverse(), un, rdNorm);
        if (m > 0) {
            be.multiply(G, false, x, -1, 0, rp);
            be.multiplyElements(units.eInverse(), rp, um);
            be.min(um, maxGx);
            be.normInf(um, gxNorm);
            be.axpby(1, s, -1, rp);
            be.axpby(-1, h, 1, rp);
            unscaledNorm(rp, units.eInverse(), um, rpNorm);
            be.dot(s, z, sz);
            unscaledNorm(z, units.e(), um, zNorm);
            be.dot(h, z, hz);
        }
        if (q > 0) {
            be.multiply(A, false, x, 1, 0, re);
            unscaledNorm(re, units.fInverse(), uq, axNorm);
            be.axpby(-1, b, 1, re);
            unscaledNorm(re, units.fInverse(), uq, reNorm);
            unscaledNorm(y, units.f(), uq, yNorm);
            be.dot(b, y, by);
        }
    }

    /** {@code out[i] = ‖scale ∘ vᵢ‖∞}: with a map of {@link Equilibration.Vectors}, a norm in original units. */
    private void unscaledNorm(BatchVector v, BatchVector scale, BatchVector scratch, double[] out) {
        be.multiplyElements(scale, v, scratch);
        be.normInf(scratch, out);
    }

    /**
     * Decides, per active problem, whether to stop: solved (relative residuals and gap below tolerance),
     * primal infeasible (z, y approach a Farkas certificate: {@code Gᵀz + Aᵀy ≈ 0}, {@code hᵀz + bᵀy < 0}),
     * dual infeasible (x approaches a direction of unbounded descent: {@code Qx ≈ 0}, {@code Gx ≤ 0},
     * {@code Ax ≈ 0}, {@code pᵀx < 0}), non-finite values, or out of iterations.
     */
    private void classify(int iter) {
        double tol = options.tolerance();
        for (int i = 0; i < B; i++) {
            if (!active[i]) {
                continue;
            }
            double gx = -maxGx[i];
            objective[i] = 0.5 * xQx[i] + px[i];
            primalRes[i] = Math.max(rpNorm[i], reNorm[i]);
            dualRes[i] = rdNorm[i];
            gapOut[i] = sz[i];
            double pres = rpNorm[i] / (1 + Math.max(hNorm[i], gxNorm[i]));
            double eres = reNorm[i] / (1 + Math.max(bNorm[i], axNorm[i]));
            double dres = rdNorm[i] / (1 + Math.max(pNorm[i], Math.max(qxNorm[i], vNorm[i])));
            // Relative to the objective with or without its constant, whichever is smaller: the constant
            // must not loosen the test, but where it cancels the rest (a least-squares fit written as
            // ½xᵀQx + pᵀx + ½‖d‖², optimum 0) the objective is near 0 and needs the gap near 0 too.
            double objectiveSize = Math.min(Math.abs(objective[i]), Math.abs(objective[i] + objectiveConstant[i]));
            double gap = gapOut[i] / (1 + objectiveSize);
            if (!(Double.isFinite(objective[i]) && Double.isFinite(primalRes[i]) && Double.isFinite(dualRes[i])
                    && Double.isFinite(gap))) {
                freeze(i, Status.NUMERICAL_ERROR);
            } else if (pres <= tol && eres <= tol && dres <= tol && gap <= tol) {
                freeze(i, Status.SOLVED);
            } else if (isPrimalInfeasible(i)) {
                freeze(i, Status.PRIMAL_INFEASIBLE);
            } else if (isDualInfeasible(i, gx)) {
                freeze(i, Status.DUAL_INFEASIBLE);
            } else if (iter >= options.maxIterations()) {
                freeze(i, Status.MAX_ITERATIONS);
            }
        }
    }

    private boolean isPrimalInfeasible(int i) {
        double scale = Math.max(zNorm[i], yNorm[i]);
        double certificate = hz[i] + by[i];

        return scale > 0 && vNorm[i] <= INFEASIBILITY_TOLERANCE * scale
                && certificate <= -INFEASIBILITY_TOLERANCE * scale * (1 + Math.max(hNorm[i], bNorm[i]));
    }

    private boolean isDualInfeasible(int i, double maxGxValue) {
        double scale = xNorm[i];
        double eps = INFEASIBILITY_TOLERANCE * scale;
        return scale > 0 && qxNorm[i] <= eps && maxGxValue <= eps && axNorm[i] <= eps
                && px[i] <= -eps * (1 + pNorm[i]);
    }

    /** One predictor–corrector step for the active problems, one factorization for both solves. */
    private void step() {
        if (m > 0) {
            be.divideElements(z, s, w);
        }
        kkt.factor(active, ok);
        for (int i = 0; i < B; i++) {
            if (active[i] && !ok[i]) {
                freeze(i, Status.NUMERICAL_ERROR);
            }
        }
        be.setActive(active);
        be.axpby(-1, rd, 0, r1);
        if (q > 0) {
            be.axpby(-1, re, 0, r2);
        }
        if (m == 0) {
            // Equality-constrained QP: one Newton step solves it exactly.
            kkt.solve(r1, r2, dx, dy, options.refinementSteps());
            Arrays.fill(alpha, 1);
            takeStep();
            return;
        }
        // Predictor (affine scaling): complementarity target 0, i.e. ru = s − rp.
        be.copy(s, tm);
        be.axpby(-1, rp, 1, tm);
        solveForDirection();
        be.maxStep(s, ds, t1);
        be.maxStep(z, dz, t2);
        // μ_aff = (s + α·ds)ᵀ(z + α·dz) / m, expanded so that no shifted copies are needed.
        be.dot(s, dz, t3);
        be.dot(z, ds, t4);
        be.dot(ds, dz, alpha);
        for (int i = 0; i < B; i++) {
            if (active[i]) {
                double a = Math.min(1, Math.min(t1[i], t2[i]));
                double mu = sz[i] / m;
                double muAff = (sz[i] + a * (t3[i] + t4[i]) + a * a * alpha[i]) / m;
                double sigma = mu > 0 ? Math.min(1, Math.max(0, Math.pow(muAff / mu, 3))) : 0;
                shift[i] = -sigma * mu;
            }
        }
        // Corrector: complementarity target σμ minus the predictor's second-order term ds∘dz, i.e.
        // ru = s − rp + (ds∘dz − σμ) ⊘ z.
        be.multiplyElements(ds, dz, corr);
        be.addScalar(shift, corr);
        be.divideElements(corr, z, corr);
        be.copy(s, tm);
        be.axpby(-1, rp, 1, tm);
        be.axpby(1, corr, 1, tm);
        be.axpby(-1, rd, 0, r1);
        solveForDirection();
        be.maxStep(s, ds, t1);
        be.maxStep(z, dz, t2);
        for (int i = 0; i < B; i++) {
            alpha[i] = Math.min(1, STEP_FRACTION * Math.min(t1[i], t2[i]));
        }
        takeStep();
    }

    /**
     * The Newton direction from the unreduced system {@code Q·dx + Gᵀ·dz + Aᵀ·dy = r1},
     * {@code G·dx − W⁻¹·dz = tm}, {@code A·dx = r2}: the linearized complementarity
     * {@code Z·ds + S·dz = −rc} with {@code ds = −rp − G·dx} substituted, {@code tm = −rp + rc ⊘ z}.
     * Solving in this form, rather than recovering dz = W·(…) from the reduced one, keeps dz accurate
     * when W is huge on active rows, which is what lets tight tolerances converge. ds is then taken from
     * the complementarity row, {@code ds = −(tm + rp) − dz ⊘ w}, not from {@code −rp − G·dx} (equal in
     * exact arithmetic): so a slack near zero gets {@code ds ≈ −s·(1 + dz/z)} and the step to the boundary
     * stays near 1; the other form lets rounding in G·dx pin such a slack and stall the method.
     */
    private void solveForDirection() {
        kkt.solveAugmented(r1, tm, r2, dx, dz, dy, options.refinementSteps(), false);
        be.divideElements(dz, w, ds);
        be.axpby(-1, tm, -1, ds);
        be.axpby(-1, rp, 1, ds);
    }

    private void takeStep() {
        for (int i = 0; i < B; i++) {
            if (active[i] && !(alpha[i] > 0 && Double.isFinite(alpha[i]))) {
                freeze(i, Status.NUMERICAL_ERROR);
            }
        }
        be.setActive(active);
        be.axpy(alpha, dx, x);
        if (m > 0) {
            be.axpy(alpha, ds, s);
            be.axpy(alpha, dz, z);
        }
        if (q > 0) {
            be.axpy(alpha, dy, y);
        }
    }

    private void freeze(int i, Status outcome) {
        active[i] = false;
        status[i] = outcome;
    }

    private boolean anyActive() {
        for (boolean a : active) {
            if (a) {
                return true;
            }
        }
        return false;
    }

    /**
     * Factors the KKT system at the final (scaled) iterate, for the backward, and maps the iterate back to
     * the original units: {@code x = D·x̂, s = E⁻¹·ŝ, λ = E·λ̂ / c, ν = F·ν̂ / c}.
     */
    private SolvedBatch finish(boolean factorAtSolution) {
        Arrays.fill(active, true);
        be.setActive(active);
        boolean[] factored = new boolean[B];
        if (factorAtSolution) {
            if (m > 0) {
                // The backward's weights: (λ/s)³ rather than λ/s. On the central path λ/s is λ²/μ on an active row
                // and μ/s² on an inactive one, so the derivative at the final iterate is that of the barrier-
                // smoothed problem, off the true derivative by O(1/w) and O(w) there (seen: 30% on a row with λ ≈
                // 1e-4 at tolerance 1e-8). Cubing is the same iterate seen at a far smaller μ (μ³/λ⁴ and μ³/s⁴):
                // active rows become hard, inactive ones vanish, and a weakly active row (λ ≈ s, w ≈ 1) keeps its
                // middle value. The regularized solve takes the extreme weights.
                be.divideElements(z, s, w);
                be.multiplyElements(w, w, tm);
                be.multiplyElements(tm, w, w);
            }
            kkt.factor(active, factored);
        }
        be.setActive(active);
        BatchVector xOut = unscaled(x, units.d());
        BatchVector sOut = m > 0 ? unscaled(s, units.eInverse()) : null;
        BatchVector zOut = m > 0 ? unscaled(z, units.e()) : null;
        BatchVector yOut = q > 0 ? unscaled(y, units.f()) : null;
        double[] xs = new double[B * n], lam = new double[B * m], nu = new double[B * q], sl = new double[B * m];
        be.read(xOut, xs);
        if (m > 0) {
            be.read(zOut, lam);
            be.read(sOut, sl);
        }
        if (q > 0) {
            be.read(yOut, nu);
        }
        QpSolution solution = new QpSolution(B, n, m, q, xs, lam, nu, sl, objective, status, iterations, primalRes,
                dualRes, gapOut);
        return new SolvedBatch(be, data, solution, xOut, sOut, zOut, yOut, kkt, factored, options.refinementSteps(),
                units);
    }

    /** A new vector {@code scale ∘ v}. */
    private BatchVector unscaled(BatchVector v, BatchVector scale) {
        BatchVector out = be.vector(v.length(), false);
        be.multiplyElements(scale, v, out);
        return out;
    }
}
