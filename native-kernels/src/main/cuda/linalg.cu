// Kernels that prepare and finish the cuBLAS/cuSOLVER calls of the CUDA backend, and the matrix
// updates no library call does. Matrices are row-major per problem (common.cuh).
#include "common.cuh"

extern "C" {

// out[k] = base + idx[k]*strideBytes: the device pointer arrays of the batched cuBLAS/cuSOLVER calls,
// built on the device from the mask's index list so that a mask change costs no host traffic beyond
// the index list itself. strideBytes is 0 for a shared operand (every entry the same pointer).
__global__ void diffqp_pointers(const int* __restrict__ idx, int count, unsigned long long base, i64 strideBytes,
                                unsigned long long* out) {
    DIFFQP_FOR(k, (i64)count) {
        out[k] = base + (unsigned long long)((i64)idx[k] * strideBytes);
    }
}

// out_i = diag(w_i) * G_i, G m x n: row r of G scaled by w[r]. The scaled copy is the right factor of
// the gemm that forms G^T diag(w) G.
__global__ void diffqp_scale_rows(const int* __restrict__ idx, int count, int rows, int cols, const double* G,
                                  i64 gs, const double* w, i64 ws, double* out, i64 os) {
    i64 per = (i64)rows * cols;
    DIFFQP_FOR(t, (i64)count * per) {
        int k = (int)(t / per);
        i64 rc = t - (i64)k * per;
        int r = (int)(rc / cols);
        i64 i = idx[k];
        out[i * os + rc] = w[i * ws + r] * G[i * gs + rc];
    }
}

// M_i[r][r] += shift[i] for r < min(rows, cols)
__global__ void diffqp_add_diagonal(const int* __restrict__ idx, int count, int rows, int cols,
                                    const double* __restrict__ shift, double* M, i64 ms) {
    int d = rows < cols ? rows : cols;
    DIFFQP_FOR(t, (i64)count * d) {
        int k = (int)(t / d);
        int r = (int)(t - (i64)k * d);
        i64 i = idx[k];
        M[i * ms + (i64)r * cols + r] += shift[i];
    }
}

// out_i += (alpha*u_i) v_i^T, out per problem (rows x cols)
__global__ void diffqp_outer(const int* __restrict__ idx, int count, int rows, int cols, double alpha,
                             const double* u, i64 us, const double* v, i64 vs, double* out, i64 os) {
    i64 per = (i64)rows * cols;
    DIFFQP_FOR(t, (i64)count * per) {
        int k = (int)(t / per);
        i64 rc = t - (i64)k * per;
        int r = (int)(rc / cols);
        int c = (int)(rc - (i64)r * cols);
        i64 i = idx[k];
        out[i * os + rc] += (alpha * u[i * us + r]) * v[i * vs + c];
    }
}

// out += sum over listed problems of (alpha*u_i) v_i^T, out shared: one thread per entry walks the
// problems in index order (deterministic, and the CPU backend's rounding).
__global__ void diffqp_outer_shared(const int* __restrict__ idx, int count, int rows, int cols, double alpha,
                                    const double* u, i64 us, const double* v, i64 vs, double* out) {
    i64 per = (i64)rows * cols;
    DIFFQP_FOR(rc, per) {
        int r = (int)(rc / cols);
        int c = (int)(rc - (i64)r * cols);
        double acc = out[rc];
        for (int k = 0; k < count; k++) {
            i64 i = idx[k];
            acc += (alpha * u[i * us + r]) * v[i * vs + c];
        }
        out[rc] = acc;
    }
}

// After cusolverDnDpotrfBatched: one block per listed problem. Zeroes the strict upper triangle of the
// row-major factor (cuSOLVER leaves the unreferenced triangle as it was; the CPU backend's factor is
// zero there, and read() must agree), and sets ok[i] = 1 when info[k] == 0 and every pivot is finite
// (potrf's own test lets a NaN pivot through), else 0. info is indexed like the batch call: by k.
__global__ void diffqp_cholesky_finish(const int* __restrict__ idx, int count, int n, const int* __restrict__ info,
                                       double* L, i64 ls, int* ok) {
    int k = blockIdx.x;
    if (k >= count) {
        return;
    }
    i64 i = idx[k];
    double* Li = L + i * ls;
    int bad = 0;
    i64 nn = (i64)n * n;
    // Entry by entry, consecutive threads on consecutive addresses (coalesced).
    for (i64 t = threadIdx.x; t < nn; t += blockDim.x) {
        int r = (int)(t / n);
        int c = (int)(t - (i64)r * n);
        if (c > r) {
            Li[t] = 0.0;
        } else if (c == r && !isfinite(Li[t])) {
            bad = 1;
        }
    }
    bad = __syncthreads_or(bad);
    if (threadIdx.x == 0) {
        ok[i] = (info[k] == 0 && !bad) ? 1 : 0;
    }
}

} // extern "C"
