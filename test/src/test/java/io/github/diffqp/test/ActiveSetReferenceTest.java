package io.github.diffqp.test;

import io.github.diffqp.backward.Parameter;
import io.github.diffqp.solver.QpBatch;
import io.github.diffqp.solver.QpProblem;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Checks of {@link ActiveSetReference} (and {@link PlantedQp}) on their own, without DiffQP's solver: the
 * planted optimum is recovered, and the gradients are the derivatives of the reference's own solve,
 * measured by central differences with the active set held fixed.
 */
class ActiveSetReferenceTest {
    private static final double STEP = 1e-6;

    @Test
    void recoversThePlantedSolution() {
        for (boolean shared : new boolean[] {false, true}) {
            PlantedQp planted = PlantedQp.generate(11, 4, 20, 18, 3, shared);
            QpBatch batch = planted.batch();
            for (int i = 0; i < batch.size(); i++) {
                ActiveSetReference ref = new ActiveSetReference(batch.problem(i), planted.active(i));
                ActiveSetReference.Solution s = ref.solution();
                String where = (shared ? "shared" : "per-problem") + " problem " + i;
                assertTrue(ActiveSetReference.relativeError(s.x(), planted.x(i)) < 1e-10, where + ": x");
                assertTrue(ActiveSetReference.relativeError(s.lambda(), planted.lambda(i)) < 1e-10, where + ": λ");
                assertTrue(ActiveSetReference.relativeError(s.nu(), planted.nu(i)) < 1e-10, where + ": ν");
                assertTrue(ref.isOptimal(0), where + ": planted active set not optimal");
                QpProblem pr = batch.problem(i);
                assertTrue(Kkt.stationarity(pr, s.x(), s.lambda(), s.nu()) < 1e-10, where + ": stationarity");
                assertTrue(Kkt.complementarity(pr, s.x(), s.lambda()) < 1e-10, where + ": complementarity");
            }
        }
    }

    @Test
    void gradientsMatchCentralDifferencesOfTheReferenceSolve() {
        Random rnd = new Random(12);
        PlantedQp planted = PlantedQp.generate(13, 1, 12, 10, 3, false);
        QpProblem pr = planted.batch().problem(0);
        boolean[] active = planted.active(0);
        double[] g = RandomQp.gaussian(rnd, pr.n());
        Map<Parameter, double[]> grads = new ActiveSetReference(pr, active).vjp(g);
        assertEquals(6, grads.size());
        for (Parameter par : Parameter.values()) {
            for (int trial = 0; trial < 3; trial++) {
                double[] u = direction(rnd, pr, par);
                double analytic = dot(grads.get(par), u);
                double numeric = (loss(perturbed(pr, par, u, STEP), active, g)
                        - loss(perturbed(pr, par, u, -STEP), active, g)) / (2 * STEP);
                double scale = Math.max(Math.abs(analytic), 1e-3);
                assertTrue(Math.abs(analytic - numeric) / scale < 1e-6,
                        "∂" + par.symbol() + " trial " + trial + ": analytic " + analytic + " vs central " + numeric);
            }
        }
    }

    @Test
    void sharedDatumGradientIsTheSumAndMatchesDifferencesOfTheBatchLoss() {
        Random rnd = new Random(14);
        PlantedQp planted = PlantedQp.generate(15, 3, 10, 8, 2, true);
        QpBatch batch = planted.batch();
        int B = batch.size(), n = batch.n();
        double[] g = RandomQp.gaussian(rnd, B * n);
        List<QpProblem> problems = new ArrayList<>();
        List<Map<Parameter, double[]>> perProblem = new ArrayList<>();
        for (int i = 0; i < B; i++) {
            problems.add(batch.problem(i));
            perProblem.add(new ActiveSetReference(problems.get(i), planted.active(i)).vjp(slice(g, i, n)));
        }
        // A shared datum moves in every problem at once, so ∂(Σᵢ gᵢᵀxᵢ) along u must equal ⟨Σᵢ ∂ᵢ, u⟩.
        for (Parameter par : List.of(Parameter.Q, Parameter.G, Parameter.A)) {
            double[] u = direction(rnd, problems.get(0), par);
            double analytic = dot(ActiveSetReference.sum(perProblem, par), u);
            double numeric = 0;
            for (int i = 0; i < B; i++) {
                double[] gi = slice(g, i, n);
                boolean[] act = planted.active(i);
                numeric += (loss(perturbed(problems.get(i), par, u, STEP), act, gi)
                        - loss(perturbed(problems.get(i), par, u, -STEP), act, gi)) / (2 * STEP);
            }
            assertTrue(Math.abs(analytic - numeric) / Math.max(Math.abs(analytic), 1e-3) < 1e-6,
                    "shared ∂" + par.symbol() + ": analytic " + analytic + " vs central " + numeric);
        }
    }

    /** gᵀx of the active-set solve: the loss the VJP differentiates. */
    private static double loss(QpProblem pr, boolean[] active, double[] g) {
        return dot(new ActiveSetReference(pr, active).solution().x(), g);
    }

    /** A random direction in the datum's space; symmetric for Q, which the solver requires to stay symmetric. */
    private static double[] direction(Random rnd, QpProblem pr, Parameter par) {
        double[] u = RandomQp.gaussian(rnd, datum(pr, par).length);
        if (par == Parameter.Q) {
            int n = pr.n();
            for (int r = 0; r < n; r++) {
                for (int c = 0; c < r; c++) {
                    u[c * n + r] = u[r * n + c];
                }
            }
        }
        return u;
    }

    /** The problem with one datum moved to {@code datum + step·u}. */
    private static QpProblem perturbed(QpProblem pr, Parameter par, double[] u, double step) {
        double[] moved = datum(pr, par).clone();
        for (int k = 0; k < moved.length; k++) {
            moved[k] += step * u[k];
        }
        return new QpProblem(pr.n(),
                par == Parameter.Q ? moved : pr.Q(), par == Parameter.P ? moved : pr.p(),
                par == Parameter.G ? moved : pr.G(), par == Parameter.H ? moved : pr.h(),
                par == Parameter.A ? moved : pr.A(), par == Parameter.B ? moved : pr.b(),
                pr.objectiveConstant());
    }

    private static double[] datum(QpProblem pr, Parameter par) {
        return switch (par) {
            case Q -> pr.Q();
            case P -> pr.p();
            case G -> pr.G();
            case H -> pr.h();
            case A -> pr.A();
            case B -> pr.b();
        };
    }

    private static double[] slice(double[] stacked, int i, int len) {
        double[] out = new double[len];
        System.arraycopy(stacked, i * len, out, 0, len);
        return out;
    }

    private static double dot(double[] a, double[] b) {
        return RandomQp.dot(a, 0, b, b.length);
    }
}
