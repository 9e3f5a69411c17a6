package io.github.diffqp.test;

import io.github.diffqp.solver.QpProblem;

/** Optimality conditions of one problem at a candidate (x, λ, ν), computed from scratch in plain loops. */
final class Kkt {
    private Kkt() {
    }

    /** ‖Qx + p + Gᵀλ + Aᵀν‖∞. */
    static double stationarity(QpProblem pr, double[] x, double[] lambda, double[] nu) {
        int n = pr.n();
        double worst = 0;
        for (int r = 0; r < n; r++) {
            double g = pr.p()[r];
            for (int c = 0; c < n; c++) {
                g += pr.Q()[r * n + c] * x[c];
            }
            for (int j = 0; j < pr.m(); j++) {
                g += pr.G()[j * n + r] * lambda[j];
            }
            for (int j = 0; j < pr.q(); j++) {
                g += pr.A()[j * n + r] * nu[j];
            }
            worst = Math.max(worst, Math.abs(g));
        }
        return worst;
    }

    /** max(max(Gx − h, 0), |Ax − b|). */
    static double infeasibility(QpProblem pr, double[] x) {
        int n = pr.n();
        double worst = 0;
        for (int j = 0; j < pr.m(); j++) {
            worst = Math.max(worst, RandomQp.dot(pr.G(), j * n, x, n) - pr.h()[j]);
        }
        for (int j = 0; j < pr.q(); j++) {
            worst = Math.max(worst, Math.abs(RandomQp.dot(pr.A(), j * n, x, n) - pr.b()[j]));
        }
        return worst;
    }

    /** max |λⱼ·(h − Gx)ⱼ| and the most negative λ (as a positive number). */
    static double complementarity(QpProblem pr, double[] x, double[] lambda) {
        int n = pr.n();
        double worst = 0;
        for (int j = 0; j < pr.m(); j++) {
            double slack = pr.h()[j] - RandomQp.dot(pr.G(), j * n, x, n);
            worst = Math.max(worst, Math.max(Math.abs(lambda[j] * slack), -lambda[j]));
        }
        return worst;
    }
}
