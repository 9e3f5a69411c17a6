package io.github.diffqp.solver;

import io.github.diffqp.solver.backend.Backend;
import io.github.diffqp.solver.backend.BatchMatrix;
import io.github.diffqp.solver.backend.BatchVector;

/**
 * A batch's data as the solver holds them on a backend, shared data once: the <b>equilibrated</b> data
 * Q̂, p̂, Ĝ, ĥ, Â, b̂ (see {@link Equilibration}), not the batch's own numbers. G, h are null when m = 0;
 * A, b when q = 0.
 *
 * @param batch the batch these handles were made from (its data unscaled)
 */
public record BatchData(QpBatch batch, BatchMatrix Q, BatchVector p, BatchMatrix G, BatchVector h,
                        BatchMatrix A, BatchVector b) {

    /** Scales the batch's data with {@code eq} on the host and uploads the result. */
    static BatchData upload(QpBatch batch, Equilibration eq, Backend backend) {
        boolean ineq = batch.m() > 0, eqs = batch.q() > 0;
        return new BatchData(batch, backend.matrix(eq.scaleQ(batch.Q())), backend.vector(eq.scaleP(batch.p())),
                ineq ? backend.matrix(eq.scaleG(batch.G())) : null, ineq ? backend.vector(eq.scaleH(batch.h())) : null,
                eqs ? backend.matrix(eq.scaleA(batch.A())) : null, eqs ? backend.vector(eq.scaleB(batch.b())) : null);
    }
}
