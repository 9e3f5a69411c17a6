package io.github.diffqp.solver.backend;

/**
 * A handle to one vector per problem of a batch, or one vector shared by all, held by a {@link Backend}
 * (host arrays, device memory). Only its backend reads or writes its contents.
 */
public interface BatchVector {
    /** Entries per problem. */
    int length();

    /** True when one copy serves every problem. */
    boolean isShared();
}
