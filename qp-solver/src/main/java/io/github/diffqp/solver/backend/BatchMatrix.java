package io.github.diffqp.solver.backend;

/**
 * A handle to one {@code rows × cols} matrix per problem of a batch, or one shared by all, held by a
 * {@link Backend}. Only its backend reads or writes its contents.
 */
public interface BatchMatrix {
    int rows();

    int cols();

    /** True when one copy serves every problem. */
    boolean isShared();
}
