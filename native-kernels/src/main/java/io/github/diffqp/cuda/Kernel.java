package io.github.diffqp.cuda;

/**
 * DiffQP's own kernels: the CUDA C entry points of {@code src/main/cuda}, each in the PTX module of its
 * source file. The Java side passes arguments in the order and with the types of the C signature
 * ({@code int} → Integer, pointers and 64-bit strides → Long, {@code double} → Double); the tests check
 * every launch against the parameter list of the committed PTX.
 */
enum Kernel {
    FILL("elementwise", "diffqp_fill"),
    COPY("elementwise", "diffqp_copy"),
    AXPBY("elementwise", "diffqp_axpby"),
    AXPY("elementwise", "diffqp_axpy"),
    AXPY_SHARED("elementwise", "diffqp_axpy_shared"),
    ADD_SCALAR("elementwise", "diffqp_add_scalar"),
    MULTIPLY("elementwise", "diffqp_multiply"),
    DIVIDE("elementwise", "diffqp_divide"),
    POINTERS("linalg", "diffqp_pointers"),
    SCALE_ROWS("linalg", "diffqp_scale_rows"),
    ADD_DIAGONAL("linalg", "diffqp_add_diagonal"),
    OUTER("linalg", "diffqp_outer"),
    OUTER_SHARED("linalg", "diffqp_outer_shared"),
    CHOLESKY_FINISH("linalg", "diffqp_cholesky_finish"),
    DOT("reductions", "diffqp_dot"),
    NORM_INF("reductions", "diffqp_norm_inf"),
    MIN("reductions", "diffqp_min"),
    MAX_STEP("reductions", "diffqp_max_step"),
    MAX_DIAGONAL("reductions", "diffqp_max_diagonal");

    /** The PTX module (source file name without extension). */
    final String module;
    /** The extern "C" entry name. */
    final String entry;

    Kernel(String module, String entry) {
        this.module = module;
        this.entry = entry;
    }

    /** The class-path resource of this kernel's PTX. */
    String ptxResource() {
        return "/io/github/diffqp/cuda/" + module + ".ptx";
    }
}
