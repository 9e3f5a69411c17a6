package io.github.diffqp.benchmarks;

import io.github.diffqp.solver.QpBatch;
import io.github.diffqp.solver.QpProblem;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One workload of the comparison: a batch of QPs and the fixed loss gradient {@code dl/dx*} its backward
 * is run with. Every solver of the comparison gets exactly these problems (ojAlgo one by one, the peers
 * outside the JVM through the exported problem files).
 *
 * @param name        short and file-name safe, e.g. {@code optnet-b64}
 * @param spec        the spec it was built from ({@link Cases#parse}), e.g. {@code optnet:64}
 * @param description what the problems are, in a few words
 * @param batch       the problems
 * @param dlDx        ∂ℓ/∂x*, stacked B×n
 */
public record BenchCase(String name, String spec, String description, QpBatch batch, double[] dlDx) {
    public BenchCase {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(batch, "batch");
        if (dlDx == null || dlDx.length != batch.size() * batch.n()) {
            throw new IllegalArgumentException(name + ": dl/dx must hold B·n = " + batch.size() * batch.n() + " values");
        }
    }

    /** B. */
    public int size() {
        return batch.size();
    }

    public int n() {
        return batch.n();
    }

    public int m() {
        return batch.m();
    }

    public int q() {
        return batch.q();
    }

    /** Every problem on its own (copies), for solvers that take one problem at a time. */
    public List<QpProblem> problems() {
        List<QpProblem> list = new ArrayList<>(size());
        for (int i = 0; i < size(); i++) {
            list.add(batch.problem(i));
        }
        return list;
    }

    /** {@code B×(n, m, q)}, for tables. */
    public String shape() {
        return size() + "×(" + n() + ", " + m() + ", " + q() + ")";
    }
}
