package io.github.diffqp.testing;

import java.util.Random;

/** Random test data shared by the contracts: Gaussian entries, and symmetric positive definite matrices. */
public final class RandomData {
    private RandomData() {
    }

    /** {@code count} standard normal values. */
    public static double[] gaussian(Random rnd, int count) {
        double[] v = new double[count];
        for (int k = 0; k < count; k++) {
            v[k] = rnd.nextGaussian();
        }
        return v;
    }

    /** {@code copies} symmetric positive definite n×n matrices MᵀM/n + ridge·I (M Gaussian), stacked. */
    public static double[] spd(Random rnd, int copies, int n, double ridge) {
        double[] v = new double[copies * n * n];
        for (int i = 0; i < copies; i++) {
            double[] m = gaussian(rnd, n * n);
            for (int r = 0; r < n; r++) {
                for (int c = 0; c < n; c++) {
                    double s = 0;
                    for (int k = 0; k < n; k++) {
                        s += m[k * n + r] * m[k * n + c];
                    }
                    v[i * n * n + r * n + c] = s / n + (r == c ? ridge : 0);
                }
            }
        }
        return v;
    }
}
