package io.github.diffqp.test;

import io.github.diffqp.solver.QpProblem;
import org.ojalgo.matrix.store.R064Store;
import org.ojalgo.optimisation.Optimisation;
import org.ojalgo.optimisation.convex.ConvexSolver;

import java.util.Arrays;

/** ojAlgo's convex (active-set) solver as an independent reference for single problems. */
final class OjAlgoReference {
    /** ojAlgo's answer: state, x, and multipliers split into ν (equalities) and λ (inequalities). */
    record Answer(Optimisation.State state, double[] x, double[] nu, double[] lambda) {
    }

    private OjAlgoReference() {
    }

    static Answer solve(QpProblem pr) {
        int n = pr.n();
        double[][] q = new double[n][n];
        double[][] c = new double[n][1];
        for (int r = 0; r < n; r++) {
            for (int k = 0; k < n; k++) {
                q[r][k] = pr.Q()[r * n + k];
            }
            c[r][0] = -pr.p()[r]; // ojAlgo minimizes ½xᵀQx − Cᵀx
        }
        ConvexSolver.Builder builder = ConvexSolver.newBuilder()
                .objective(R064Store.FACTORY.rows(q), R064Store.FACTORY.rows(c));
        for (int j = 0; j < pr.q(); j++) {
            builder.equality(pr.b()[j], Arrays.copyOfRange(pr.A(), j * n, (j + 1) * n));
        }
        for (int j = 0; j < pr.m(); j++) {
            builder.inequality(pr.h()[j], Arrays.copyOfRange(pr.G(), j * n, (j + 1) * n));
        }
        Optimisation.Result result = builder.build().solve();
        double[] x = new double[n];
        for (int k = 0; k < n; k++) {
            x[k] = result.doubleValue(k);
        }
        double[] nu = new double[pr.q()];
        double[] lambda = new double[pr.m()];
        result.getMultipliers().ifPresent(mult -> {
            for (int j = 0; j < nu.length; j++) {
                nu[j] = mult.doubleValue(j);
            }
            for (int j = 0; j < lambda.length; j++) {
                lambda[j] = mult.doubleValue(nu.length + j);
            }
        });
        return new Answer(result.getState(), x, nu, lambda);
    }
}
