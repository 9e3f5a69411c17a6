package io.github.diffqp.solver;

import io.github.diffqp.solver.backend.Backends;

/**
 * The ∞-norms that each of {@link Equilibration}'s Ruiz passes takes, a tenth or more of a forward's time on
 * dense problems: plain loops here, {@link VectorRuizNorms} where the JVM has the Vector API. Both give the
 * same bits (a maximum is exact), so the factors do not depend on which ran.
 */
class RuizNorms {
    static final RuizNorms FASTEST = fastest();

    RuizNorms() {
    }

    private static RuizNorms fastest() {
        if (Backends.vectorApi()) {
            try {
                return new VectorRuizNorms();
            } catch (LinkageError e) {
                // The module is present but its classes cannot be used here: keep the plain loops.
            }
        }
        return new RuizNorms();
    }

    /**
     * Folds the norms of the scaled block {@code diag(rowScale)·|M|·diag(d)} (M rows×n, row-major, entries
     * non-negative; null when rows = 0) into the outputs: {@code colNorm[j]} becomes the larger of itself
     * and column j's largest entry, {@code rowNorm[r]} (unless null) likewise for row r.
     */
    void blockNorms(double[] M, int rows, int n, double[] d, double[] rowScale, double[] colNorm, double[] rowNorm) {
        for (int r = 0; r < rows; r++) {
            double scale = rowScale[r];
            if (rowNorm == null) {
                for (int j = 0; j < n; j++) {
                    colNorm[j] = larger(colNorm[j], M[r * n + j] * scale * d[j]);
                }
                continue;
            }
            double rowMax = rowNorm[r];
            for (int j = 0; j < n; j++) {
                double v = M[r * n + j] * scale * d[j];
                colNorm[j] = larger(colNorm[j], v);
                rowMax = larger(rowMax, v);
            }
            rowNorm[r] = rowMax;
        }
    }

    /**
     * The larger of two finite non-negative numbers. Math.max also orders NaN and −0, which these values never
     * are, at the price of branches that keep the loops from compiling to vector code: about a seventh of
     * the OptNet forward went to these loops with Math.max.
     */
    static double larger(double a, double b) {
        return a >= b ? a : b;
    }
}
