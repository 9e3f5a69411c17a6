package io.github.diffqp.solver;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link RuizNorms} with the Vector API: a row's entries a vector at a time, the column norms' maxima lane by
 * lane and the row's in one vector reduced once. HotSpot compiles the plain loops' comparisons to scalar
 * branches or conditional moves, one entry at a time.
 */
final class VectorRuizNorms extends RuizNorms {
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    @Override
    void blockNorms(double[] M, int rows, int n, double[] d, double[] rowScale, double[] colNorm, double[] rowNorm) {
        int body = n - n % L;
        for (int r = 0; r < rows; r++) {
            int o = r * n;
            double scale = rowScale[r];
            DoubleVector s = DoubleVector.broadcast(S, scale);
            DoubleVector rowMax = DoubleVector.zero(S);
            for (int j = 0; j < body; j += L) {
                DoubleVector v = DoubleVector.fromArray(S, M, o + j).mul(s).mul(DoubleVector.fromArray(S, d, j));
                DoubleVector.fromArray(S, colNorm, j).max(v).intoArray(colNorm, j);
                rowMax = rowMax.max(v);
            }
            double max = rowMax.reduceLanes(VectorOperators.MAX);
            for (int j = body; j < n; j++) {
                double v = M[o + j] * scale * d[j];
                colNorm[j] = larger(colNorm[j], v);
                max = larger(max, v);
            }
            if (rowNorm != null) {
                rowNorm[r] = larger(rowNorm[r], max);
            }
        }
    }
}
