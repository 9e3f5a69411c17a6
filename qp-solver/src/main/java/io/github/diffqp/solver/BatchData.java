package io.github.diffqp.solver;

import io.github.diffqp.solver.backend.Backend;
import io.github.diffqp.solver.backend.BatchMatrix;
import io.github.diffqp.solver.backend.BatchVector;

/**
 * A batch's data uploaded to a backend, shared data once. G, h are null when m = 0; A, b when q = 0.
 *
 * @param batch the batch these handles were made from
 */
public record BatchData(QpBatch batch, BatchMatrix Q, BatchVector p, BatchMatrix G, BatchVector h,
                        BatchMatrix A, BatchVector b) {

    static BatchData upload(QpBatch batch, Backend backend) {
        return new BatchData(batch, backend.matrix(batch.Q()), backend.vector(batch.p()),
                batch.m() > 0 ? backend.matrix(batch.G()) : null, batch.m() > 0 ? backend.vector(batch.h()) : null,
                batch.q() > 0 ? backend.matrix(batch.A()) : null, batch.q() > 0 ? backend.vector(batch.b()) : null);
    }
}
