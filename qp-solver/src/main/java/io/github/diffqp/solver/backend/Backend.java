package io.github.diffqp.solver.backend;

import io.github.diffqp.solver.Datum;

/**
 * Batched linear algebra for one batch of B problems: the building blocks of the interior-point method
 * and of its backward, each over the whole batch at once.
 *
 * <p>Data live behind {@link BatchVector} and {@link BatchMatrix} handles made by this backend; a
 * shared handle holds one copy that every problem reads. Unless stated otherwise an operation reads
 * shared or per-problem operands and writes per-problem outputs, and touches only the problems of the
 * current {@linkplain #setActive active mask}: an inactive problem's outputs are left as they were.
 * Scalars given as {@code double[]} hold one value per problem (length B); results returned in
 * {@code double[]} likewise. Those small arrays are all that crosses between host and backend during
 * a solve, apart from {@link #read}/{@link #write}.
 *
 * <p>An implementation need not be thread-safe: one backend instance serves one solve at a time.
 */
public interface Backend extends AutoCloseable {
    /** The provider's name, e.g. {@code cpu}. */
    String name();

    /** B, the number of problems this instance serves. */
    int batchSize();

    // ---- data

    /**
     * Refuses, before anything is allocated, work that would not fit: {@code backendBytes} in this
     * backend's own memory (the heap for the CPU, the device for a GPU) plus {@code hostBytes} of Java heap
     * for the host side of the work. An estimate from the shapes, checked once when a solve starts
     * (docs/DESIGN.md §4).
     *
     * @param what what the memory is for, for the message
     * @throws BackendCapacityException when it would not fit, naming the bytes needed and free
     */
    void requireMemory(long backendBytes, long hostBytes, String what);

    /** Uploads a matrix datum; a shared datum stays one copy. */
    BatchMatrix matrix(Datum datum);

    /** A per-problem matrix of zeros, or a shared one (used to accumulate sums over the batch). */
    BatchMatrix matrix(int rows, int cols, boolean shared);

    /** Uploads a vector datum (a datum with one column); a shared datum stays one copy. */
    BatchVector vector(Datum datum);

    /** A per-problem vector of zeros, or a shared one (used to accumulate sums over the batch). */
    BatchVector vector(int length, boolean shared);

    /** Copies the contents into {@code out}: B×length values, or length values when shared. */
    void read(BatchVector v, double[] out);

    /** Copies the contents into {@code out}: B×rows×cols values, row-major, or rows×cols when shared. */
    void read(BatchMatrix mat, double[] out);

    /** Overwrites the contents with {@code in} (same layout as {@link #read(BatchVector, double[])}). */
    void write(double[] in, BatchVector v);

    /** Sets which problems the following operations touch; all are active initially. */
    void setActive(boolean[] active);

    // ---- products

    /** {@code y = alpha·op(M)·x + beta·y} with {@code op(M) = M} or {@code Mᵀ}. */
    void multiply(BatchMatrix M, boolean transpose, BatchVector x, double alpha, double beta, BatchVector y);

    /** {@code K = Q + Gᵀ·diag(w)·G}; {@code G} and {@code w} are null when there are no inequalities. */
    void formNormalMatrix(BatchMatrix Q, BatchMatrix G, BatchVector w, BatchMatrix K);

    /**
     * {@code S = A·(L·Lᵀ)⁻¹·Aᵀ}, the Schur complement of the equality block, from the Cholesky factor
     * {@code L} of K. {@code work} is a per-problem q×n scratch matrix.
     */
    void formSchurComplement(BatchMatrix L, BatchMatrix A, BatchMatrix work, BatchMatrix S);

    /**
     * {@code out += alpha·u·vᵀ} per problem; when {@code out} is shared, the sum over the active problems
     * is added to it.
     */
    void addOuterProduct(BatchVector u, BatchVector v, double alpha, BatchMatrix out);

    // ---- factorization

    /** {@code out[i]} = the largest diagonal entry of {@code Mᵢ}. */
    void maxDiagonal(BatchMatrix M, double[] out);

    /**
     * Adds {@code shift[i]} to every diagonal entry of {@code Mᵢ}: the static regularization that keeps
     * semidefinite blocks factorizable.
     */
    void addToDiagonal(BatchMatrix M, double[] shift);

    /**
     * Replaces {@code M} by its lower Cholesky factor L (M = L·Lᵀ). {@code ok[i]} is set false for an active
     * problem whose matrix is not numerically positive definite, true for the other active problems.
     */
    void cholesky(BatchMatrix M, boolean[] ok);

    /** Solves {@code L·Lᵀ·x = b} in place of {@code b}, L from {@link #cholesky}. */
    void choleskySolve(BatchMatrix L, BatchVector b);

    // ---- element-wise

    void copy(BatchVector source, BatchVector target);

    void fill(BatchVector v, double value);

    /** {@code y = a·x + b·y}. */
    void axpby(double a, BatchVector x, double b, BatchVector y);

    /**
     * {@code yᵢ += aᵢ·xᵢ} with one coefficient per problem. When {@code y} is shared, the sum over the
     * active problems is added to it.
     */
    void axpy(double[] a, BatchVector x, BatchVector y);

    /** Adds {@code cᵢ} to every entry of problem i's vector. */
    void addScalar(double[] c, BatchVector y);

    /** {@code out = a ∘ b}, entry by entry; out may be a or b. */
    void multiplyElements(BatchVector a, BatchVector b, BatchVector out);

    /** {@code out = a ⊘ b}, entry by entry; out may be a or b. */
    void divideElements(BatchVector a, BatchVector b, BatchVector out);

    // ---- reductions, one result per problem

    /** {@code out[i] = aᵢᵀbᵢ}. */
    void dot(BatchVector a, BatchVector b, double[] out);

    /** {@code out[i] = ‖aᵢ‖∞} (0 for an empty vector). */
    void normInf(BatchVector a, double[] out);

    /** {@code out[i] = min aᵢ} (+∞ for an empty vector). */
    void min(BatchVector a, double[] out);

    /**
     * {@code out[i]} = the largest α ≥ 0 with {@code vᵢ + α·dvᵢ ≥ 0} entry by entry, for {@code v > 0};
     * +∞ when no entry of {@code dvᵢ} is negative.
     */
    void maxStep(BatchVector v, BatchVector dv, double[] out);

    /** Releases what this backend holds (device memory); handles are invalid afterwards. */
    @Override
    void close();
}
