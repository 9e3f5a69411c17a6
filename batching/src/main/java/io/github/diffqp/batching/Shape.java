package io.github.diffqp.batching;

import io.github.diffqp.solver.QpBatch;
import io.github.diffqp.solver.QpProblem;

import java.util.Collection;

/**
 * The size of a QP: {@code n} variables, {@code m} inequality rows, {@code q} equality rows. Problems of
 * one shape stack into a batch as they are; a problem of a smaller shape can join after
 * {@linkplain Padding padding} when it {@linkplain #fitsIn fits}.
 *
 * @param n variables
 * @param m inequality rows
 * @param q equality rows
 */
public record Shape(int n, int m, int q) {
    public Shape {
        if (n < 0 || m < 0 || q < 0) {
            throw new IllegalArgumentException("negative size: n=" + n + ", m=" + m + ", q=" + q);
        }
    }

    public static Shape of(QpProblem problem) {
        return new Shape(problem.n(), problem.m(), problem.q());
    }

    public static Shape of(QpBatch batch) {
        return new Shape(batch.n(), batch.m(), batch.q());
    }

    /**
     * Whether a problem of this shape can be padded to {@code target}: no dimension shrinks, and the
     * padding adds at least as many variables as equality rows, because each added equality row pins its
     * own added variable ({@code x_e = 0}, see {@link Padding}); rows on shared or original variables could
     * make A rank deficient or change the problem.
     */
    public boolean fitsIn(Shape target) {
        return target.n >= n && target.m >= m && target.q >= q && target.n - n >= target.q - q;
    }

    /**
     * The smallest shape every one of {@code shapes} {@linkplain #fitsIn fits in}: the largest m and q,
     * and enough variables for the largest n and for every problem's added equality rows,
     * {@code N = maxᵢ (nᵢ + Q − qᵢ)}.
     *
     * @throws IllegalArgumentException when {@code shapes} is empty
     */
    public static Shape cover(Collection<Shape> shapes) {
        if (shapes.isEmpty()) {
            throw new IllegalArgumentException("no shapes to cover");
        }
        int m = 0, q = 0;
        for (Shape s : shapes) {
            m = Math.max(m, s.m);
            q = Math.max(q, s.q);
        }
        int n = 0;
        for (Shape s : shapes) {
            n = Math.max(n, s.n + q - s.q);
        }
        return new Shape(n, m, q);
    }

    @Override
    public String toString() {
        return "n=" + n + ", m=" + m + ", q=" + q;
    }
}
