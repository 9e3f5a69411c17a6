package io.github.diffqp.solver;

/**
 * One QP on its own, dense and row-major: {@code minimize c0 + ½ xᵀQx + pᵀx s.t. Gx ≤ h, Ax = b}.
 * Problems of different shapes travel as lists of these; {@link QpBatch#stack} turns a list of one
 * shape into a batch. The constant {@code objectiveConstant} (c0) does not change the solution; it is
 * kept so that reported objectives match their source (a QPS file, say).
 *
 * @param n                 variables
 * @param Q                 n×n, row-major
 * @param p                 n
 * @param G                 m×n, row-major (empty when m = 0)
 * @param h                 m
 * @param A                 q×n, row-major (empty when q = 0)
 * @param b                 q
 * @param objectiveConstant c0
 */
public record QpProblem(int n, double[] Q, double[] p, double[] G, double[] h, double[] A, double[] b,
                        double objectiveConstant) {
    public QpProblem {
        if (n < 0) {
            throw new InvalidProblemException("p", -1, "negative number of variables " + n);
        }
        if (Q.length != n * n) {
            throw new InvalidProblemException("Q", -1, "has " + Q.length + " entries, expected n² = " + n * n);
        }
        if (p.length != n) {
            throw new InvalidProblemException("p", -1, "has " + p.length + " entries, expected n = " + n);
        }
        if (n == 0 ? G.length != 0 : G.length % n != 0 || G.length / n != h.length) {
            throw new InvalidProblemException("G", -1, "has " + G.length + " entries, expected m×n = " + h.length + "×" + n);
        }
        if (n == 0 ? A.length != 0 : A.length % n != 0 || A.length / n != b.length) {
            throw new InvalidProblemException("A", -1, "has " + A.length + " entries, expected q×n = " + b.length + "×" + n);
        }
    }

    /** Inequality rows. */
    public int m() {
        return h.length;
    }

    /** Equality rows. */
    public int q() {
        return b.length;
    }

    /** {@code ½ xᵀQx + pᵀx + c0}. */
    public double objective(double[] x) {
        double quad = 0, lin = 0;
        for (int r = 0; r < n; r++) {
            double row = 0;
            for (int c = 0; c < n; c++) {
                row += Q[r * n + c] * x[c];
            }
            quad += x[r] * row;
            lin += p[r] * x[r];
        }
        return 0.5 * quad + lin + objectiveConstant;
    }

    /** This problem as a batch of one, validated. */
    public QpBatch asBatch() {
        QpBatch.Builder bl = QpBatch.builder().Q(Datum.shared(n, n, Q)).p(Datum.sharedVector(p))
                .objectiveConstant(Datum.sharedVector(new double[] {objectiveConstant}));
        if (m() > 0) {
            bl.G(Datum.shared(m(), n, G)).h(Datum.sharedVector(h));
        }
        if (q() > 0) {
            bl.A(Datum.shared(q(), n, A)).b(Datum.sharedVector(b));
        }
        return bl.build();
    }
}
