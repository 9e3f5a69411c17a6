package io.github.diffqp.serve;

import io.github.diffqp.benchmarks.Cases;
import io.github.diffqp.solver.Datum;
import io.github.diffqp.solver.QpBatch;
import io.github.diffqp.solver.QpProblem;
import io.github.diffqp.solver.QpSolution;
import io.github.diffqp.solver.Status;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static io.github.diffqp.testing.Agreement.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Test problems (the benchmarks' random generator, and infeasible variants of its problems) and comparisons. */
final class Problems {
    private Problems() {
    }

    /** {@code count} random strictly convex, feasible problems of one shape. */
    static List<QpProblem> feasible(int count, int n, int m, int q, long seed) {
        QpBatch batch = Cases.random(count, n, m, q, seed).batch();
        List<QpProblem> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(batch.problem(i));
        }
        return out;
    }

    /** {@code problem} with rows 0 and 1 of G made contradictory, {@code g·x ≤ h₀} and {@code −g·x ≤ −h₀ − 1}. */
    static QpProblem infeasible(QpProblem problem) {
        int n = problem.n();
        double[] G = problem.G().clone(), h = problem.h().clone();
        for (int c = 0; c < n; c++) {
            G[n + c] = -G[c];
        }
        h[1] = -h[0] - 1;
        return new QpProblem(n, problem.Q(), problem.p(), G, h, problem.A(), problem.b(), 0);
    }

    /** Problems of one shape as a batch, every datum per problem. */
    static QpBatch batch(List<QpProblem> problems) {
        return QpBatch.stack(problems);
    }

    /** A batch whose Q and G are shared and p, h per problem. */
    static QpBatch sharedBatch(QpProblem template, int B, long seed) {
        Random rnd = new Random(seed);
        int n = template.n(), m = template.m();
        double[] p = new double[B * n], h = new double[B * m];
        for (int i = 0; i < B; i++) {
            for (int c = 0; c < n; c++) {
                p[i * n + c] = template.p()[c] + rnd.nextGaussian();
            }
            for (int r = 0; r < m; r++) {
                h[i * m + r] = template.h()[r] + rnd.nextDouble();
            }
        }
        return QpBatch.builder().Q(Datum.shared(n, n, template.Q())).p(Datum.batchedVector(B, n, p))
                .G(Datum.shared(m, n, template.G())).h(Datum.batchedVector(B, m, h)).build();
    }

    /** The server's answer for problem {@code i} agrees with {@code expected}'s problem {@code j}. */
    static void assertAgree(QpSolution expected, int j, InferClient.Answer answer, int i, double relative, String what) {
        assertEquals(200, answer.status(), what + ": " + answer.text());
        assertEquals(expected.status(j).label(), answer.output("status").get("data").get(i).asText(), what + ": status");
        // Iteration counts may differ by one or two with the company a problem keeps in its batch; answers may not.
        assertTrue(answer.output("iterations").get("data").get(i).isInt(), what + ": iterations");
        if (expected.status(j) != Status.SOLVED) {
            return;
        }
        int n = expected.n(), m = expected.m(), q = expected.q();
        assertClose(expected.x(j), slice(answer.tensor("x"), i, n), relative, what + ": x");
        assertClose(expected.lambda(j), slice(answer.tensor("lambda"), i, m), relative, what + ": lambda");
        assertClose(expected.nu(j), slice(answer.tensor("nu"), i, q), relative, what + ": nu");
        assertClose(new double[] {expected.objective(j)}, slice(answer.tensor("objective"), i, 1), relative,
                what + ": objective");
    }

    static double[] slice(double[] v, int i, int length) {
        return Arrays.copyOfRange(v, i * length, (i + 1) * length);
    }
}
