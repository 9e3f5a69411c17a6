package io.github.diffqp.solver;

import io.github.diffqp.solver.backend.Backend;
import io.github.diffqp.solver.backend.BatchMatrix;
import io.github.diffqp.solver.backend.BatchVector;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * The batched solver, written once against {@link Backend}: a Mehrotra predictor–corrector primal–dual
 * interior-point method (docs/DESIGN.md §2.1–§2.4) followed by polishing, the exact solve of the active set
 * it identifies (§2.5–§2.6). Slack form {@code Gx + s = h, s ≥ 0}, duals {@code z = λ ≥ 0}, {@code y = ν}.
 * Read {@link #run} top to bottom: it is the method.
 *
 * <p>Every problem has its own state: one that converges, is found infeasible, stalls or fails is frozen
 * (masked out on the backend) while the others go on, and its iteration count is its own. The method
 * runs on the equilibrated data ({@link Equilibration}): iterate, residuals and steps are in scaled units,
 * while every test and every reported number is in the problem's original units.
 */
final class InteriorPointMethod {
    /** Fraction of the distance to the boundary a step may go. */
    private static final double STEP_FRACTION = 0.99;
    /** Distance (equilibrated units) beyond which a row's bound barely pulls the starting point. */
    private static final double FAR = 1e3;
    /** Normalized certificate quality that declares a problem infeasible (see {@link #terminate}). */
    private static final double INFEASIBILITY_TOLERANCE = 1e-8;
    /** A problem stalls when its progress measure has not halved over this many iterations (§2.7). */
    private static final int STALL_WINDOW = 15;
    /**
     * Polishing's weights w = λ/s: an active row's constraint is an equality (W⁻¹ ≈ 0), an inactive row's
     * multiplier is zero (W ≈ 0). {@link KktSystem} factors min(w, 1e8) and refines against these.
     */
    private static final double ACTIVE_WEIGHT = 1e200, INACTIVE_WEIGHT = 1e-30;
    /**
     * Rounds of iterations and polishing: a rejected polish of a solved problem resumes the iterations, to the
     * user's tolerance after the first target, then {@link #TIGHTENING} tighter each time (§2.5).
     */
    private static final int POLISH_ROUNDS = 3;
    /** The first target with polishing on, when looser than the user's tolerance (chosen by measurement). */
    private static final double POLISH_START = 1e-6;
    /** Corrections of a rejected active-set guess within one polish (see {@link #polish}). */
    private static final int CORRECTIONS = 3;
    private static final double TIGHTENING = 1e-3, TIGHTEST = 1e-14;
    /** Relative size below which a polished multiplier or slack counts as zero (§2.6). */
    private static final double WEAK = 1e-9;
    /** Relative residual below which an active row counts as a combination of the others (§2.6). */
    private static final double DEPENDENT = 1e-9;

    private final Backend be;
    private final BatchData data;
    private final QpBatch batch;
    private final SolverOptions options;
    private final int B, n, m, q;
    private final BatchMatrix Q, G, A;
    private final BatchVector p, h, b;
    /** The weights w = z ⊘ s of the Newton system (KktSystem reads them at each factorization). */
    private final BatchVector w;
    private final Equilibration.Vectors units;
    /** Per problem, the cost factor c of the equilibration: dual quantities in scaled units carry it. */
    private final double[] cost;
    private final KktSystem kkt;

    private final Iterate v, saved;
    private final Residuals r;
    private final Step d;
    /** Scratch: rx (n), ru (m), ry (q); indicator (m): each problem's polished active rows, 1 or 0. */
    private final BatchVector rx, ru, indicator, ry;

    // Per-problem state.
    private final boolean[] active, ok, polished, degenerate;
    /** The mask of the whole batch. */
    private final boolean[] everyProblem;
    private final Status[] status;
    private final int[] iterations, lastProgress;
    /** The tolerance each problem iterates to: the user's, tightened after a rejected polish. */
    private final double[] target, worstAtStop;
    /** Per measure (worst residual, primal and dual certificates) and problem, the best value so far. */
    private final double[] bestProgress;
    /** Per problem: the longest steps keeping s and z positive, and the step length α taken. */
    private final double[] stepS, stepZ, alpha;
    // Reported residuals, in original units.
    private final double[] objective, primalRes, dualRes, gapOut;

    /** The primal–dual point (scaled units). s, z are null when m = 0; y when q = 0. */
    private final class Iterate {
        final BatchVector x = be.vector(n, false);
        final BatchVector s = m > 0 ? be.vector(m, false) : null;
        final BatchVector z = m > 0 ? be.vector(m, false) : null;
        final BatchVector y = q > 0 ? be.vector(q, false) : null;

        /** This ← other, for the problems of the backend's mask. */
        void copyFrom(Iterate other) {
            be.copy(other.x, x);
            if (m > 0) {
                be.copy(other.s, s);
                be.copy(other.z, z);
            }
            if (q > 0) {
                be.copy(other.y, y);
            }
        }
    }

    /** A Newton direction. */
    private final class Step {
        final BatchVector dx = be.vector(n, false);
        final BatchVector ds = m > 0 ? be.vector(m, false) : null;
        final BatchVector dz = m > 0 ? be.vector(m, false) : null;
        final BatchVector dy = q > 0 ? be.vector(q, false) : null;
    }

    /**
     * The residuals {@code r_d = Qx + p + Gᵀz + Aᵀy}, {@code r_p = Gx + s − h}, {@code r_e = Ax − b} (scaled, for
     * the Newton step) and, per problem and in original units, the norms and products that the tests need.
     */
    private final class Residuals {
        final BatchVector rd = be.vector(n, false);
        final BatchVector rp = m > 0 ? be.vector(m, false) : null;
        final BatchVector re = q > 0 ? be.vector(q, false) : null;
        /** Scratch in original units: x-sized, m-sized, q-sized. */
        private final BatchVector un = be.vector(n, false), um = m > 0 ? be.vector(m, false) : null,
                uq = q > 0 ? be.vector(q, false) : null, tn = be.vector(n, false);
        // Constant per problem: the data's norms and scales (see scales()).
        final double[] pNorm = new double[B], hNorm = new double[B], bNorm = new double[B];
        final double[] objectiveScale = new double[B], constraintScale = new double[B];
        // At the current point.
        final double[] qx = new double[B], gx = new double[B], ax = new double[B], dualSum = new double[B];
        final double[] dual = new double[B], primal = new double[B], equality = new double[B];
        final double[] xQx = new double[B], px = new double[B], sz = new double[B];
        final double[] xNorm = new double[B], zNorm = new double[B], yNorm = new double[B];
        final double[] hz = new double[B], by = new double[B], minNegGx = new double[B];
        /** In scaled units, where every row of G has unit size: min ŝ, min ẑ, ‖ẑ‖∞, ‖ĥ‖∞ (see {@link #signs}). */
        final double[] minS = new double[B], minZ = new double[B], zScaled = new double[B], hScaled = new double[B];

        void compute(Iterate at) {
            be.multiply(Q, false, at.x, 1, 0, rd);
            dualNorm(rd, qx);
            be.dot(at.x, rd, xQx);
            be.dot(p, at.x, px);
            norm(at.x, units.x(), un, xNorm);
            be.axpby(1, p, 1, rd);
            be.fill(tn, 0);
            if (m > 0) {
                be.multiply(G, true, at.z, 1, 0, tn);
            }
            if (q > 0) {
                be.multiply(A, true, at.y, 1, 1, tn);
            }
            dualNorm(tn, dualSum);
            be.axpby(1, tn, 1, rd);
            dualNorm(rd, dual);
            if (m > 0) {
                be.multiply(G, false, at.x, -1, 0, rp);
                be.multiplyElements(units.slack(), rp, um);
                be.min(um, minNegGx);
                be.normInf(um, gx);
                be.axpby(1, at.s, -1, rp);
                be.axpby(-1, h, 1, rp);
                norm(rp, units.slack(), um, primal);
                be.dot(at.s, at.z, sz);
                be.dot(h, at.z, hz);
                norm(at.z, units.lambda(), um, zNorm);
            }
            if (q > 0) {
                be.multiply(A, false, at.x, 1, 0, re);
                norm(re, units.equality(), uq, ax);
                be.axpby(-1, b, 1, re);
                norm(re, units.equality(), uq, equality);
                norm(at.y, units.nu(), uq, yNorm);
                be.dot(b, at.y, by);
            }
            // Products of a dual scaled vector carry c (Equilibration.Vectors): back to original units.
            for (int i = 0; i < B; i++) {
                xQx[i] /= cost[i];
                px[i] /= cost[i];
                sz[i] /= cost[i];
                hz[i] /= cost[i];
                by[i] /= cost[i];
            }
        }

        /**
         * The sizes polishing checks signs against (m > 0), in scaled units: only a polished point needs them,
         * so they stay out of {@link #compute}, which every iteration runs.
         */
        void signs(Iterate at) {
            be.min(at.z, minZ);
            be.normInf(at.z, zScaled);
            be.min(at.s, minS);
            be.normInf(h, hScaled);
        }

        /**
         * The relative residuals of the solved test, each invariant under a positive factor on the objective,
         * on the constraints or on all data (§2.8): the floor below each denominator is the data's own scale.
         */
        double primalRelative(int i) {
            return Math.max(primal[i] / (constraintScale[i] + Math.max(hNorm[i], gx[i])),
                    equality[i] / (constraintScale[i] + Math.max(bNorm[i], ax[i])));
        }

        double dualRelative(int i) {
            return dual[i] / (objectiveScale[i] + Math.max(pNorm[i], Math.max(qx[i], dualSum[i])));
        }

        /**
         * The gap relative to the objective with or without its constant c0, whichever is smaller: the
         * constant must not loosen the test, but where it cancels the rest (a least-squares fit written as
         * ½xᵀQx + pᵀx + ½‖d‖², optimum 0) the objective is near 0 and needs the gap near 0 too.
         */
        double gapRelative(int i) {
            double value = objective(i);
            double size = Math.min(Math.abs(value), Math.abs(value + batch.objectiveConstant(i)));
            return Math.abs(sz[i]) / (objectiveScale[i] + size);
        }

        double objective(int i) {
            return 0.5 * xQx[i] + px[i];
        }

        /** How far from solved: the largest relative residual. */
        double worst(int i) {
            return Math.max(Math.max(primalRelative(i), dualRelative(i)), gapRelative(i));
        }

        /** {@code out[i] = ‖D⁻¹·v‖∞ / c}: the norm of an x-space dual vector in original units. */
        private void dualNorm(BatchVector vector, double[] out) {
            norm(vector, units.xDual(), un, out);
        }

        /** {@code out[i] = ‖scale ∘ vᵢ‖∞}: with a map of {@link Equilibration.Vectors}, a norm in original units. */
        private void norm(BatchVector vector, BatchVector scale, BatchVector scratch, double[] out) {
            be.multiplyElements(scale, vector, scratch);
            be.normInf(scratch, out);
        }
    }

    InteriorPointMethod(QpBatch batch, SolverOptions options, Backend backend) {
        this.be = backend;
        this.batch = batch;
        this.options = options;
        this.B = batch.size();
        this.n = batch.n();
        this.m = batch.m();
        this.q = batch.q();
        Equilibration eq = Equilibration.of(batch);
        this.data = BatchData.upload(batch, eq, backend);
        this.Q = data.Q();
        this.G = data.G();
        this.A = data.A();
        this.p = data.p();
        this.h = data.h();
        this.b = data.b();
        this.units = eq.upload(be);
        this.cost = eq.costFactors();
        this.w = m > 0 ? be.vector(m, false) : null;
        this.kkt = newKktSystem(batch, eq);
        this.v = new Iterate();
        this.saved = new Iterate();
        this.r = new Residuals();
        this.d = new Step();
        this.rx = be.vector(n, false);
        this.ru = m > 0 ? be.vector(m, false) : null;
        this.indicator = m > 0 ? be.vector(m, false) : null;
        this.ry = q > 0 ? be.vector(q, false) : null;
        active = new boolean[B];
        ok = new boolean[B];
        polished = new boolean[B];
        degenerate = new boolean[B];
        everyProblem = new boolean[B];
        Arrays.fill(everyProblem, true);
        status = new Status[B];
        iterations = new int[B];
        lastProgress = new int[B];
        target = new double[B];
        worstAtStop = new double[B];
        bestProgress = new double[3 * B];
        stepS = new double[B];
        stepZ = new double[B];
        alpha = new double[B];
        objective = new double[B];
        primalRes = new double[B];
        dualRes = new double[B];
        gapOut = new double[B];
    }

    /**
     * The KKT system on the scaled data, with the ρ·AᵀA term unless Q is evidently positive definite (see
     * {@link KktSystem}; definiteness does not depend on the scaling). ρ = 1 suits the equilibrated
     * data, whose rows and columns have norm near 1.
     */
    private KktSystem newKktSystem(QpBatch batch, Equilibration eq) {
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
        // With polishing, the iterations first stop at a looser target: the active set is usually plain by
        // then, and polishing, which checks its answer at the user's tolerance, does the rest (§2.5).
        Arrays.fill(target, options.polish() ? Math.max(options.tolerance(), POLISH_START) : options.tolerance());
        Arrays.fill(bestProgress, Double.POSITIVE_INFINITY);
        be.setActive(active);
        scales();
        screenEmptyRows();
        initialize();
        for (int round = 0; ; round++) {
            iterate();
            if (!options.polish()) {
                break;
            }
            boolean[] candidates = polishCandidates();
            boolean[] accepted = polish(candidates, null);
            settleTightRows(accepted);
            if (!resumeRejected(candidates, accepted, round)) {
                break;
            }
        }
        return finish(factorAtSolution);
    }

    /** The problems whose iterate polishing may turn into an exact answer: solved, exhausted or stalled. */
    private boolean[] polishCandidates() {
        boolean[] candidates = new boolean[B];
        for (int i = 0; i < B; i++) {
            candidates[i] = !polished[i] && (status[i] == Status.SOLVED || status[i] == Status.MAX_ITERATIONS
                    || status[i] == Status.NUMERICAL_ERROR && iterations[i] > 0 && !Double.isNaN(objective[i]));
        }
        return candidates;
    }

    /**
     * Sends each solved problem whose polish was rejected back to the iterations (§2.5), to the user's
     * tolerance after the first, looser target, then to tighter ones; returns whether any went back.
     */
    private boolean resumeRejected(boolean[] candidates, boolean[] accepted, int round) {
        boolean resume = false;
        for (int i = 0; i < B; i++) {
            if (!(candidates[i] && !accepted[i] && status[i] == Status.SOLVED)) {
                continue;
            }
            boolean early = target[i] > options.tolerance();
            double next = early ? options.tolerance() : Math.max(TIGHTEST, target[i] * TIGHTENING);
            if (iterations[i] >= options.maxIterations()) {
                status[i] = worstAtStop[i] <= options.tolerance() ? Status.SOLVED : Status.MAX_ITERATIONS;
            } else if (early || round < POLISH_ROUNDS && next < target[i]) {
                target[i] = next;
                active[i] = true;
                status[i] = null;
                for (int k = 0; k < 3; k++) {
                    bestProgress[k * B + i] = Double.POSITIVE_INFINITY;
                }
                lastProgress[i] = iterations[i];
                resume = true;
            }
        }
        return resume;
    }

    /** Iterates every active problem until it stops: residuals → termination → Newton step. */
    private void iterate() {
        while (anyActive()) {
            be.setActive(active);
            r.compute(v);
            terminate();
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
    }

    /**
     * Per problem, the constant parts of the tests (original units): ‖p‖∞, ‖h‖∞, ‖b‖∞, and the scales that
     * replace the unit floors of the relative tests (§2.8): the objective's, {@code max(max|Q|, ‖p‖∞)}, and
     * the constraints', {@code max(max|G|, ‖h‖∞, max|A|, ‖b‖∞)}, each 1 where it is 0.
     */
    private void scales() {
        double[] qMax = maxAbs(batch.Q()), gMax = maxAbs(batch.G()), aMax = maxAbs(batch.A());
        double[] pMax = maxAbs(batch.p()), hMax = maxAbs(batch.h()), bMax = maxAbs(batch.b());
        for (int i = 0; i < B; i++) {
            r.pNorm[i] = pMax[i];
            r.hNorm[i] = hMax[i];
            r.bNorm[i] = bMax[i];
            double objectiveSize = Math.max(qMax[i], pMax[i]);
            double constraintSize = Math.max(Math.max(gMax[i], aMax[i]), Math.max(hMax[i], bMax[i]));
            r.objectiveScale[i] = objectiveSize > 0 ? objectiveSize : 1;
            r.constraintScale[i] = constraintSize > 0 ? constraintSize : 1;
        }
    }

    /** Per problem, the largest |entry| of its copy of the datum (0 for an absent one); each copy read once. */
    private double[] maxAbs(Datum datum) {
        double[] out = new double[B];
        if (datum == null) {
            return out;
        }
        double[] values = datum.values();
        int size = datum.rows() * datum.cols();
        for (int copy = 0; copy < datum.copies(); copy++) {
            // Four running maxima, independent chains; the data are finite (QpBatch checks), so a plain
            // comparison does what Math.max does without its NaN and −0 branches.
            double m0 = 0, m1 = 0, m2 = 0, m3 = 0;
            int k = datum.offset(copy), end = k + size;
            for (; k + 3 < end; k += 4) {
                double a0 = Math.abs(values[k]), a1 = Math.abs(values[k + 1]);
                double a2 = Math.abs(values[k + 2]), a3 = Math.abs(values[k + 3]);
                m0 = a0 > m0 ? a0 : m0;
                m1 = a1 > m1 ? a1 : m1;
                m2 = a2 > m2 ? a2 : m2;
                m3 = a3 > m3 ? a3 : m3;
            }
            for (; k < end; k++) {
                double a = Math.abs(values[k]);
                m0 = a > m0 ? a : m0;
            }
            double max = Math.max(Math.max(m0, m1), Math.max(m2, m3));
            if (datum.isShared()) {
                Arrays.fill(out, max);
            } else {
                out[copy] = max;
            }
        }
        return out;
    }

    /**
     * A row of zeros that no x can satisfy ({@code 0·x = bᵢ ≠ 0} or {@code 0·x ≤ hᵢ < 0}) is its own exact
     * certificate of infeasibility: the problem is primal infeasible before any iteration. Why here: the
     * iterations would meet it as a singular system and call it a numerical error, or not, depending on
     * what else is in the problem (padding, neighbours); a problem's status must not (§2.7).
     */
    private void screenEmptyRows() {
        for (int i = 0; i < B; i++) {
            if (hasImpossibleZeroRow(batch.G(), batch.h(), i, false)
                    || hasImpossibleZeroRow(batch.A(), batch.b(), i, true)) {
                freeze(i, Status.PRIMAL_INFEASIBLE);
            }
        }
    }

    private static boolean hasImpossibleZeroRow(Datum M, Datum rhs, int i, boolean equality) {
        if (M == null) {
            return false;
        }
        int cols = M.cols(), o = M.offset(i);
        double[] values = M.values();
        for (int row = 0; row < M.rows(); row++) {
            double bound = rhs.get(i, row, 0);
            if (equality ? bound == 0 : bound >= 0) {
                continue;
            }
            boolean zero = true;
            for (int k = 0; k < cols && zero; k++) {
                zero = values[o + row * cols + k] == 0;
            }
            if (zero) {
                return true;
            }
        }
        return false;
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
        be.setActive(active);
        if (m > 0) {
            // w = 1 / (1 + h∘h / FAR²)
            be.multiplyElements(h, h, w);
            be.axpby(0, w, 1 / (FAR * FAR), w);
            double[] ones = new double[B];
            Arrays.fill(ones, 1);
            be.addScalar(ones, w);
            be.fill(ru, 1);
            be.divideElements(ru, w, w);
        }
        factor();
        be.axpby(-1, p, 0, rx);
        if (m > 0) {
            be.multiplyElements(w, h, ru);
            be.multiply(G, true, ru, 1, 1, rx);
        }
        if (q > 0) {
            be.copy(b, ry);
        }
        kkt.solve(rx, ry, v.x, v.y, options.refinementSteps());
        if (m == 0) {
            return;
        }
        be.copy(h, v.s);
        be.multiply(G, false, v.x, -1, 1, v.s);
        be.multiplyElements(w, v.s, v.z);
        be.axpby(0, v.s, -1, v.z); // z = W(Gx − h) = −W∘s
        double[] sShift = shiftIntoOrthant(v.s), zShift = shiftIntoOrthant(v.z), inverseKappa = new double[B];
        for (int i = 0; i < B; i++) {
            double size = Math.max(1, Math.max(sShift[i], zShift[i]));
            inverseKappa[i] = 1 / (size * size);
        }
        // z = 1 / (1/z + s/κ)
        be.fill(ru, 1);
        be.divideElements(ru, v.z, d.dz);
        be.axpy(inverseKappa, v.s, d.dz);
        be.divideElements(ru, d.dz, v.z);
    }

    /** Adds to each problem's v the amount that brings its least entry up to 1, if it is not positive; returns it. */
    private double[] shiftIntoOrthant(BatchVector vector) {
        double[] least = new double[B], shift = new double[B];
        be.min(vector, least);
        for (int i = 0; i < B; i++) {
            shift[i] = least[i] > 0 ? 0 : 1 - least[i];
        }
        be.addScalar(shift, vector);
        return shift;
    }

    /** Factors the Newton system at the current weights; a problem whose factorization fails is frozen. */
    private void factor() {
        kkt.factor(active, ok);
        for (int i = 0; i < B; i++) {
            if (active[i] && !ok[i]) {
                freeze(i, Status.NUMERICAL_ERROR);
            }
        }
        be.setActive(active);
    }

    /**
     * Decides, per active problem, whether to stop (§2.7): solved (relative residuals and gap below its
     * target tolerance), primal infeasible (z, y approach a Farkas certificate: {@code Gᵀz + Aᵀy ≈ 0},
     * {@code hᵀz + bᵀy < 0}), dual infeasible (x approaches a direction of unbounded descent: {@code Qx ≈ 0},
     * {@code Gx ≤ 0}, {@code Ax ≈ 0}, {@code pᵀx < 0}), non-finite values, stalled (none of the three measures,
     * worst residual and the two certificates' qualities, has halved in {@link #STALL_WINDOW} iterations),
     * or out of iterations. A stalled or
     * exhausted problem that meets the user's tolerance is solved.
     */
    private void terminate() {
        for (int i = 0; i < B; i++) {
            if (!active[i]) {
                continue;
            }
            record(i);
            double worst = r.worst(i);
            worstAtStop[i] = worst;
            double primalCertificate = r.dualSum[i] / Math.max(r.zNorm[i], r.yNorm[i]);
            double dualCertificate = Math.max(Math.max(r.qx[i], r.ax[i]), Math.max(-r.minNegGx[i], 0)) / r.xNorm[i];
            double[] measures = {worst, primalCertificate, dualCertificate};
            for (int k = 0; k < measures.length; k++) {
                if (measures[k] <= 0.5 * bestProgress[k * B + i]) {
                    bestProgress[k * B + i] = measures[k];
                    lastProgress[i] = iterations[i];
                }
            }
            boolean meetsTolerance = worst <= options.tolerance();
            if (!(Double.isFinite(objective[i]) && Double.isFinite(worst))) {
                freeze(i, Status.NUMERICAL_ERROR);
            } else if (worst <= target[i]) {
                freeze(i, Status.SOLVED);
            } else if (isPrimalInfeasible(i)) {
                freeze(i, Status.PRIMAL_INFEASIBLE);
            } else if (isDualInfeasible(i)) {
                freeze(i, Status.DUAL_INFEASIBLE);
            } else if (iterations[i] >= options.maxIterations()) {
                freeze(i, meetsTolerance ? Status.SOLVED : Status.MAX_ITERATIONS);
            } else if (iterations[i] - lastProgress[i] >= STALL_WINDOW) {
                freeze(i, meetsTolerance ? Status.SOLVED : Status.NUMERICAL_ERROR);
            }
        }
    }

    /** Copies problem i's current residuals into the reported ones (original units). */
    private void record(int i) {
        objective[i] = r.objective(i);
        primalRes[i] = Math.max(r.primal[i], r.equality[i]);
        dualRes[i] = r.dual[i];
        gapOut[i] = r.sz[i];
    }

    /**
     * z, y approach a Farkas certificate: {@code Gᵀz + Aᵀy ≈ 0} and {@code hᵀz + bᵀy < 0}, relative to
     * {@code ‖z‖, ‖y‖}. Measured in original units with unit floors, unlike the solved test: normalizing
     * by the matrices' sizes was tried and, on data whose entries span twelve decades, declared feasible
     * problems infeasible at their starting point; these forms did not.
     */
    private boolean isPrimalInfeasible(int i) {
        double scale = Math.max(r.zNorm[i], r.yNorm[i]);
        double certificate = r.hz[i] + r.by[i];
        return scale > 0 && r.dualSum[i] <= INFEASIBILITY_TOLERANCE * scale
                && certificate <= -INFEASIBILITY_TOLERANCE * scale * (1 + Math.max(r.hNorm[i], r.bNorm[i]));
    }

    /** x approaches a direction of unbounded descent: {@code Qx ≈ 0, Gx ≤ 0, Ax ≈ 0, pᵀx < 0}, relative to ‖x‖. */
    private boolean isDualInfeasible(int i) {
        double eps = INFEASIBILITY_TOLERANCE * r.xNorm[i];
        return r.xNorm[i] > 0 && r.qx[i] <= eps && -r.minNegGx[i] <= eps && r.ax[i] <= eps
                && r.px[i] <= -eps * (1 + r.pNorm[i]);
    }

    /**
     * One predictor–corrector step for the active problems, one factorization for both solves:
     * weights → affine step → its length → centering σ → combined step → its length → update.
     */
    private void step() {
        if (m > 0) {
            be.divideElements(v.z, v.s, w); // W = Z·S⁻¹
        }
        factor();
        be.axpby(-1, r.rd, 0, rx); // rx = −r_d, ry = −r_e for both solves
        if (q > 0) {
            be.axpby(-1, r.re, 0, ry);
        }
        if (m == 0) {
            // Equality-constrained QP: one Newton step solves it exactly.
            kkt.solve(rx, ry, d.dx, d.dy, options.refinementSteps());
            Arrays.fill(alpha, 1);
            update();
            return;
        }
        // Affine step: complementarity target 0, i.e. ru = s − r_p.
        be.copy(v.s, ru);
        be.axpby(-1, r.rp, 1, ru);
        direction();
        be.maxStep(v.s, d.ds, stepS);
        be.maxStep(v.z, d.dz, stepZ);
        // μ_aff = (s + α·ds)ᵀ(z + α·dz) / m, expanded so that no shifted copies are needed.
        double[] sDz = new double[B], zDs = new double[B], dsDz = new double[B];
        be.dot(v.s, d.dz, sDz);
        be.dot(v.z, d.ds, zDs);
        be.dot(d.ds, d.dz, dsDz);
        double[] minusSigmaMu = new double[B];
        for (int i = 0; i < B; i++) {
            if (active[i]) {
                double a = Math.min(1, Math.min(stepS[i], stepZ[i]));
                double sz = r.sz[i] * cost[i]; // scaled units, as the step's products
                double mu = sz / m;
                double muAff = (sz + a * (sDz[i] + zDs[i]) + a * a * dsDz[i]) / m;
                // Centering σ = (μ_aff / μ)³ (Mehrotra).
                double sigma = mu > 0 ? Math.min(1, Math.max(0, Math.pow(muAff / mu, 3))) : 0;
                minusSigmaMu[i] = -sigma * mu;
            }
        }
        // Combined step: complementarity target σμ minus the affine step's second-order term ds∘dz, i.e.
        // ru = s − r_p + (ds∘dz − σμ) ⊘ z.
        be.multiplyElements(d.ds, d.dz, d.ds);
        be.addScalar(minusSigmaMu, d.ds);
        be.divideElements(d.ds, v.z, d.ds);
        be.copy(v.s, ru);
        be.axpby(-1, r.rp, 1, ru);
        be.axpby(1, d.ds, 1, ru);
        direction();
        be.maxStep(v.s, d.ds, stepS);
        be.maxStep(v.z, d.dz, stepZ);
        for (int i = 0; i < B; i++) {
            alpha[i] = Math.min(1, STEP_FRACTION * Math.min(stepS[i], stepZ[i]));
        }
        update();
    }

    /**
     * The Newton direction from the unreduced system {@code Q·dx + Gᵀ·dz + Aᵀ·dy = rx},
     * {@code G·dx − W⁻¹·dz = ru}, {@code A·dx = ry}: the linearized complementarity
     * {@code Z·ds + S·dz = −rc} with {@code ds = −r_p − G·dx} substituted, {@code ru = −r_p + rc ⊘ z}.
     * Solving in this form, rather than recovering dz = W·(…) from the reduced one, keeps dz accurate
     * when W is huge on active rows, which is what lets tight tolerances converge. ds is then taken from
     * the complementarity row, {@code ds = −(ru + r_p) − dz ⊘ w}, not from {@code −r_p − G·dx} (equal in
     * exact arithmetic): so a slack near zero gets {@code ds ≈ −s·(1 + dz/z)} and the step to the boundary
     * stays near 1; the other form lets rounding in G·dx pin such a slack and stall the method.
     */
    private void direction() {
        kkt.solveNewton(rx, ru, ry, d.dx, d.dz, d.dy, options.refinementSteps(), active);
        be.divideElements(d.dz, w, d.ds);
        be.axpby(-1, ru, -1, d.ds);
        be.axpby(-1, r.rp, 1, d.ds);
    }

    /** x, s, z, y += α·(dx, ds, dz, dy); a problem whose step length is not a positive number fails. */
    private void update() {
        for (int i = 0; i < B; i++) {
            if (active[i] && !(alpha[i] > 0 && Double.isFinite(alpha[i]))) {
                freeze(i, Status.NUMERICAL_ERROR);
            }
        }
        be.setActive(active);
        be.axpy(alpha, d.dx, v.x);
        if (m > 0) {
            be.axpy(alpha, d.ds, v.s);
            be.axpy(alpha, d.dz, v.z);
        }
        if (q > 0) {
            be.axpy(alpha, d.dy, v.y);
        }
    }

    /**
     * Polishing (§2.5): for each candidate, guesses the active set from the final iterate ({@code ẑᵢ ≥ ŝᵢ}
     * in scaled units, or {@code forced}), keeps of it a linearly independent subset ({@link #activeRows}),
     * solves the equality-constrained KKT system of that set
     * <pre>
     *   Q·x + G_𝒜ᵀ·λ_𝒜 + Aᵀ·ν = −p,   G_𝒜·x = h_𝒜,   A·x = b,   λ elsewhere 0
     * </pre>
     * as the unreduced system with weights {@link #ACTIVE_WEIGHT} and {@link #INACTIVE_WEIGHT}, refined to
     * full accuracy, and keeps the result where it is primal and dual feasible and stationary to the
     * tolerance (complementarity is exact by construction). Where it is not, the guess is corrected as a
     * primal–dual active-set method would (rows with λ < 0 leave, rows with s < 0 join) and solved again,
     * up to {@link #CORRECTIONS} times; then the iterate is restored. The factorization made for the
     * accepted solve stays for the backward, so it differentiates exactly that system.
     *
     * @param forced per problem (row-major B×m), rows to take as active whatever the iterate says; or null
     * @return per problem, whether its polished point was accepted
     */
    private boolean[] polish(boolean[] candidates, boolean[] forced) {
        boolean[] accepted = new boolean[B], dependent = new boolean[B];
        if (!anyOf(candidates)) {
            return accepted;
        }
        be.setActive(candidates);
        saved.copyFrom(v);
        double[] sv = new double[B * m], zv = new double[B * m], in = new double[B * m];
        boolean[] pending = candidates.clone(), wanted = new boolean[B * m], first = new boolean[B * m];
        double[] key = new double[B * m];
        if (m > 0) {
            be.read(v.s, sv);
            be.read(v.z, zv);
            for (int k = 0; k < wanted.length; k++) {
                wanted[k] = zv[k] >= sv[k] || forced != null && forced[k];
                first[k] = true;
                key[k] = zv[k];
            }
        }
        for (int pass = 0; anyOf(pending); pass++) {
            IntStream.range(0, B).parallel().filter(i -> pending[i])
                    .forEach(i -> dependent[i] = activeRows(i, wanted, first, key, in));
            solveActiveSet(pending, in);
            boolean[] rejected = new boolean[B];
            double tol = options.tolerance();
            for (int i = 0; i < B; i++) {
                if (!pending[i]) {
                    continue;
                }
                // Signs in scaled units, where the rows of G and the objective have unit size: in original units a
                // row with small coefficients could hide a wrong sign behind another row's large multiplier.
                double sFloor = -tol * (1 + r.hScaled[i]);
                double zFloor = -tol * Math.max(1, r.zScaled[i]);
                double primalDual = Math.max(r.primalRelative(i), r.dualRelative(i));
                accepted[i] = ok[i] && primalDual <= tol && (m == 0 || r.minS[i] >= sFloor && r.minZ[i] >= zFloor)
                        && Double.isFinite(r.objective(i));
                rejected[i] = !accepted[i];
                if (accepted[i]) {
                    polished[i] = true;
                    degenerate[i] = dependent[i];
                    status[i] = Status.SOLVED;
                    record(i);
                }
            }
            if (!anyOf(rejected) || pass == CORRECTIONS || m == 0) {
                if (anyOf(rejected)) {
                    be.setActive(rejected);
                    v.copyFrom(saved);
                }
                break;
            }
            // The next guess: the rows kept whose multiplier is positive, then the rows violated.
            be.read(v.s, sv);
            be.read(v.z, zv);
            for (int i = 0; i < B; i++) {
                pending[i] = rejected[i];
                for (int k = i * m; rejected[i] && k < (i + 1) * m; k++) {
                    first[k] = in[k] > 0;
                    wanted[k] = first[k] ? zv[k] > 0 : sv[k] < 0;
                    key[k] = first[k] ? zv[k] : -sv[k];
                }
            }
        }
        be.setActive(active);
        return accepted;
    }

    /**
     * Factors and solves the active-set KKT system of the {@code problems} for the active rows {@code in}
     * (B×m, 1 or 0), leaving the solution in the iterate with {@code s = 0} on active rows and {@code z = 0}
     * on the others, and its residuals in {@link #r}.
     */
    private void solveActiveSet(boolean[] problems, double[] in) {
        if (m > 0) {
            writeActiveRows(problems, in);
        }
        // The retries' larger shifts stay with this factorization: the iterations' own must not grow with them.
        double[] shifts = kkt.shifts();
        kkt.factor(problems, ok);
        kkt.restoreShifts(shifts, problems);
        be.setActive(problems);
        be.axpby(-1, p, 0, rx);
        kkt.solveAugmented(rx, h, b, v.x, v.z, v.y, options.refinementSteps(), problems);
        if (m > 0) {
            // s = (h − Gx) on inactive rows, 0 on active ones; z = 0 on inactive rows: exact complementarity.
            be.copy(h, v.s);
            be.multiply(G, false, v.x, -1, 1, v.s);
            be.multiplyElements(indicator, v.z, v.z);
            be.fill(ru, 1);
            be.axpby(-1, indicator, 1, ru);
            be.multiplyElements(ru, v.s, v.s);
        }
        r.compute(v);
        if (m > 0) {
            r.signs(v);
        }
    }

    /**
     * Sets the indicator and the weights of the {@code problems}' rows from {@code in} (1 active, 0 not).
     * Only these problems' rows change: another problem's weights may be those its kept factorization was
     * made with, which its backward needs (read and write cover the whole batch).
     */
    private void writeActiveRows(boolean[] problems, double[] in) {
        double[] indicators = new double[B * m], weights = new double[B * m];
        be.read(indicator, indicators);
        be.read(w, weights);
        for (int i = 0; i < B; i++) {
            for (int k = i * m; problems[i] && k < (i + 1) * m; k++) {
                indicators[k] = in[k];
                weights[k] = in[k] > 0 ? ACTIVE_WEIGHT : INACTIVE_WEIGHT;
            }
        }
        be.write(indicators, indicator);
        be.write(weights, w);
    }

    /**
     * Problem i's active rows for polishing, written into {@code in} (1 active, 0 not): the {@code wanted}
     * rows, those marked {@code first} before the others and each group by decreasing {@code key}, each kept
     * only if it is linearly independent of the rows of A and the rows kept before it (modified Gram–Schmidt
     * on the normalized rows of the original data). Why: over dependent rows the multipliers are not
     * unique, the least-norm split a regularized solve would give can be negative (a bound x ≤ u and
     * −x ≤ −u both tight), and the derivative is not defined; a dropped row that is tight at the solution is
     * still satisfied, as a combination of the kept ones (§2.6).
     *
     * @return whether any row was dependent (rows of A included): the problem is then degenerate
     */
    private boolean activeRows(int i, boolean[] wanted, boolean[] first, double[] key, double[] in) {
        Integer[] order = new Integer[m];
        int count = 0;
        for (int k = 0; k < m; k++) {
            in[i * m + k] = 0;
            if (wanted[i * m + k]) {
                order[count++] = k;
            }
        }
        Arrays.sort(order, 0, count, (a, c) -> first[i * m + a] != first[i * m + c] ? (first[i * m + a] ? -1 : 1)
                : Double.compare(key[i * m + c], key[i * m + a]));
        double[][] basis = new double[Math.min(n, count + q)][];
        int size = 0;
        boolean dependent = false;
        for (int k = 0; k < q + count; k++) {
            double[] row = k < q ? rowOf(batch.A(), i, k) : rowOf(batch.G(), i, order[k - q]);
            if (size < n && orthogonalize(row, basis, size)) {
                basis[size++] = row;
                if (k >= q) {
                    in[i * m + order[k - q]] = 1;
                }
            } else {
                dependent = true;
            }
        }
        return dependent;
    }

    /**
     * Removes from {@code row} its components along the first {@code size} (orthonormal) rows of
     * {@code basis} and normalizes it; false when little is left of it: it depends on them.
     */
    private static boolean orthogonalize(double[] row, double[][] basis, int size) {
        if (normalize(row) == 0) {
            return false;
        }
        for (int j = 0; j < size; j++) {
            double dot = dot(basis[j], row);
            for (int c = 0; c < row.length; c++) {
                row[c] -= dot * basis[j][c];
            }
        }
        return normalize(row) > DEPENDENT;
    }

    /**
     * aᵀb as four interleaved partial sums: independent adds overlap, where one running sum waits for each
     * add in turn (HotSpot keeps a double sum's order, so it does not vectorize one).
     */
    private static double dot(double[] a, double[] b) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int k = 0;
        for (; k + 3 < a.length; k += 4) {
            s0 += a[k] * b[k];
            s1 += a[k + 1] * b[k + 1];
            s2 += a[k + 2] * b[k + 2];
            s3 += a[k + 3] * b[k + 3];
        }
        for (; k < a.length; k++) {
            s0 += a[k] * b[k];
        }
        return (s0 + s1) + (s2 + s3);
    }

    private double[] rowOf(Datum M, int i, int row) {
        int o = M.offset(i) + row * n;
        return Arrays.copyOfRange(M.values(), o, o + n);
    }

    /** Scales v to unit length; returns its former length. */
    private static double normalize(double[] vector) {
        double norm = Math.sqrt(dot(vector, vector));
        if (norm > 0) {
            for (int k = 0; k < vector.length; k++) {
                vector[k] /= norm;
            }
        }
        return norm;
    }

    /**
     * The degenerate convention (§2.6): every tight row of a polished problem is kept as an equality where
     * it is independent of the others, so the backward differentiates the KKT system in which weakly active
     * rows stay binding. A row the guess left inactive but whose polished slack is zero is added and the
     * problem polished again; a problem with such a row, or with a zero multiplier on an active row, is
     * flagged degenerate.
     */
    private void settleTightRows(boolean[] accepted) {
        if (m == 0 || !anyOf(accepted)) {
            return;
        }
        double[] s = readOriginal(v.s, units.slack()), z = readOriginal(v.z, units.lambda());
        double[] in = new double[B * m];
        be.read(indicator, in);
        boolean[] forced = new boolean[B * m], again = new boolean[B];
        for (int i = 0; i < B; i++) {
            if (!accepted[i]) {
                continue;
            }
            double slackZero = WEAK * (r.constraintScale[i] + Math.max(r.hNorm[i], r.gx[i]));
            double zMax = 0;
            for (int k = i * m; k < (i + 1) * m; k++) {
                zMax = Math.max(zMax, z[k]);
            }
            for (int k = i * m; k < (i + 1) * m; k++) {
                boolean tight = s[k] <= slackZero;
                forced[k] = in[k] > 0 || tight;
                again[i] |= in[k] == 0 && tight;
                degenerate[i] |= in[k] > 0 && z[k] <= WEAK * zMax;
            }
        }
        if (!anyOf(again)) {
            return;
        }
        boolean[] second = polish(again, forced);
        for (int i = 0; i < B; i++) {
            if (again[i]) {
                degenerate[i] = true;
                // A second polish that failed restored the first one's point, but not its factorization.
                if (!second[i]) {
                    accepted[i] = polish(single(i), null)[i];
                    polished[i] = accepted[i];
                    degenerate[i] = true;
                }
            }
        }
    }

    private boolean[] single(int i) {
        boolean[] one = new boolean[B];
        one[i] = true;
        return one;
    }

    /** {@code scale ∘ v} (m-sized) read to the host, through the scratch ru: a vector in original units. */
    private double[] readOriginal(BatchVector vector, BatchVector scale) {
        be.setActive(everyProblem);
        be.multiplyElements(scale, vector, ru);
        double[] values = new double[B * m];
        be.read(ru, values);
        be.setActive(active);
        return values;
    }

    private void freeze(int i, Status outcome) {
        active[i] = false;
        status[i] = outcome;
    }

    private boolean anyActive() {
        return anyOf(active);
    }

    private static boolean anyOf(boolean[] flags) {
        for (boolean f : flags) {
            if (f) {
                return true;
            }
        }
        return false;
    }

    /**
     * Factors the KKT system at the solution for the backward (problems not polished: the polished ones
     * keep their active-set factorization) and maps the final point back to the original units:
     * {@code x = D·x̂, s = E⁻¹·ŝ, λ = E·λ̂/c, ν = F·ν̂/c}.
     */
    private SolvedBatch finish(boolean factorAtSolution) {
        boolean[] factored = polished.clone();
        boolean[] rest = new boolean[B];
        for (int i = 0; i < B; i++) {
            rest[i] = !polished[i];
        }
        if (factorAtSolution && anyOf(rest)) {
            be.setActive(rest);
            if (m > 0) {
                // The backward's weights where there is no active set: (λ/s)³ rather than λ/s. On the central
                // path λ/s is λ²/μ on an active row and μ/s² on an inactive one, so the derivative at the final
                // iterate is that of the barrier-smoothed problem, off the true one by O(1/w) and O(w) there.
                // Cubing is the same iterate seen at a far smaller μ (μ³/λ⁴ and μ³/s⁴): active rows become
                // hard, inactive ones vanish, and a weakly active row (λ ≈ s, w ≈ 1) keeps its middle value.
                be.divideElements(v.z, v.s, w);
                be.multiplyElements(w, w, ru);
                be.multiplyElements(ru, w, w);
            }
            boolean[] done = new boolean[B];
            kkt.factor(rest, done);
            for (int i = 0; i < B; i++) {
                factored[i] |= rest[i] && done[i];
            }
        }
        be.setActive(everyProblem);
        BatchVector xOut = unscaled(v.x, units.x());
        BatchVector sOut = m > 0 ? unscaled(v.s, units.slack()) : null;
        BatchVector zOut = m > 0 ? unscaled(v.z, units.lambda()) : null;
        BatchVector yOut = q > 0 ? unscaled(v.y, units.nu()) : null;
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
                dualRes, gapOut, polished, degenerate);
        return new SolvedBatch(be, data, solution, xOut, sOut, zOut, yOut, kkt, factored, options.refinementSteps(),
                units);
    }

    /** A new vector {@code scale ∘ v}. */
    private BatchVector unscaled(BatchVector vector, BatchVector scale) {
        BatchVector out = be.vector(vector.length(), false);
        be.multiplyElements(scale, vector, out);
        return out;
    }
}
