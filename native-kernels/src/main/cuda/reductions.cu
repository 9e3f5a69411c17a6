// Per-problem reductions of the CUDA backend: one thread block per listed problem (blockIdx.x = k),
// each thread folding a strided slice, then a block reduction (common.cuh). out has B entries; only
// out[idx[k]] is written, so the host copies back only the listed problems' results.
// Launched with blockDim.x = 256 (a multiple of 32, as block_reduce requires).
#include "common.cuh"

#define PROBLEM_OF_BLOCK()             \
    int k = blockIdx.x;                \
    if (k >= count) {                  \
        return;                        \
    }                                  \
    i64 i = idx[k];

extern "C" {

// out[i] = a_i . b_i
__global__ void diffqp_dot(const int* __restrict__ idx, int count, int len, const double* a, i64 as,
                           const double* b, i64 bs, double* out) {
    PROBLEM_OF_BLOCK()
    const double* ai = a + i * as;
    const double* bi = b + i * bs;
    double s = 0.0;
    for (int e = threadIdx.x; e < len; e += blockDim.x) {
        s += ai[e] * bi[e];
    }
    s = block_reduce(s, 0.0, REDUCE_SUM);
    if (threadIdx.x == 0) {
        out[i] = s;
    }
}

// out[i] = max |a_i| (0 for an empty vector; NaN if any entry is NaN)
__global__ void diffqp_norm_inf(const int* __restrict__ idx, int count, int len, const double* a, i64 as,
                                double* out) {
    PROBLEM_OF_BLOCK()
    const double* ai = a + i * as;
    double s = 0.0;
    for (int e = threadIdx.x; e < len; e += blockDim.x) {
        s = nan_max(s, fabs(ai[e]));
    }
    s = block_reduce(s, 0.0, REDUCE_MAX);
    if (threadIdx.x == 0) {
        out[i] = s;
    }
}

// out[i] = min a_i (+inf for an empty vector; NaN if any entry is NaN)
__global__ void diffqp_min(const int* __restrict__ idx, int count, int len, const double* a, i64 as, double* out) {
    PROBLEM_OF_BLOCK()
    const double* ai = a + i * as;
    double s = CUDART_INF_DIFFQP;
    for (int e = threadIdx.x; e < len; e += blockDim.x) {
        s = nan_min(s, ai[e]);
    }
    s = block_reduce(s, CUDART_INF_DIFFQP, REDUCE_MIN);
    if (threadIdx.x == 0) {
        out[i] = s;
    }
}

// out[i] = the largest alpha >= 0 with v_i + alpha*dv_i >= 0, i.e. min over dv < 0 of -v/dv; +inf
// when no entry of dv is negative. A NaN dv entry is skipped (dv < 0 is false), a NaN v with dv < 0
// propagates, as in the CPU backend.
__global__ void diffqp_max_step(const int* __restrict__ idx, int count, int len, const double* v, i64 vs,
                                const double* dv, i64 dvs, double* out) {
    PROBLEM_OF_BLOCK()
    const double* vi = v + i * vs;
    const double* di = dv + i * dvs;
    double s = CUDART_INF_DIFFQP;
    for (int e = threadIdx.x; e < len; e += blockDim.x) {
        double d = di[e];
        if (d < 0) {
            s = nan_min(s, -vi[e] / d);
        }
    }
    s = block_reduce(s, CUDART_INF_DIFFQP, REDUCE_MIN);
    if (threadIdx.x == 0) {
        out[i] = s;
    }
}

// out[i] = max_r M_i[r][r] over r < rows (row-major rows x cols; -inf when rows = 0)
__global__ void diffqp_max_diagonal(const int* __restrict__ idx, int count, int rows, int cols, const double* M,
                                    i64 ms, double* out) {
    PROBLEM_OF_BLOCK()
    const double* Mi = M + i * ms;
    double s = -CUDART_INF_DIFFQP;
    for (int r = threadIdx.x; r < rows; r += blockDim.x) {
        s = nan_max(s, Mi[(i64)r * cols + r]);
    }
    s = block_reduce(s, -CUDART_INF_DIFFQP, REDUCE_MAX);
    if (threadIdx.x == 0) {
        out[i] = s;
    }
}

} // extern "C"
