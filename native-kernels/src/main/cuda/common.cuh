// Shared conventions of DiffQP's kernels (included by every .cu file; not compiled on its own).
//
// Layout. A batched datum is one contiguous row-major block per problem; problem i's copy starts at
// base + i*stride (in elements). A shared datum has stride 0, so every problem reads the same copy.
//
// Masks. A kernel never sees inactive problems: the host passes idx[0..count), the indices of the
// problems to touch (the active ones, or only the last active one when the output is shared, see
// CudaBackend), and each kernel maps its work item k < count to problem idx[k]. A problem whose index
// is not listed is not read or written, which is what the Backend interface promises for masks.
//
// Indices are 64-bit wherever a product of sizes can exceed 2^31 (B*n*n for large batches).
#pragma once

typedef long long i64;

// +infinity as a double, without depending on math_constants.h.
#define CUDART_INF_DIFFQP __longlong_as_double(0x7ff0000000000000LL)

// Grid-stride loop over [0, total): any grid size covers any amount of work.
#define DIFFQP_FOR(t, total) \
    for (i64 t = (i64)blockIdx.x * blockDim.x + threadIdx.x; t < (total); t += (i64)blockDim.x * gridDim.x)

// NaN-propagating max and min: the CPU backend's Math.max/Math.min keep a NaN, and the solver relies
// on a NaN norm to flag a problem as failed rather than silently skipping the bad entry.
__device__ __forceinline__ double nan_max(double a, double b) {
    return a != a ? a : (b != b ? b : fmax(a, b));
}

__device__ __forceinline__ double nan_min(double a, double b) {
    return a != a ? a : (b != b ? b : fmin(a, b));
}

enum ReduceOp { REDUCE_SUM = 0, REDUCE_MAX = 1, REDUCE_MIN = 2 };

__device__ __forceinline__ double combine(double a, double b, int op) {
    return op == REDUCE_SUM ? a + b : (op == REDUCE_MAX ? nan_max(a, b) : nan_min(a, b));
}

__device__ __forceinline__ double warp_reduce(double v, int op) {
    for (int offset = 16; offset > 0; offset >>= 1) {
        v = combine(v, __shfl_down_sync(0xffffffffu, v, offset), op);
    }
    return v;
}

// Reduces one value per thread of the block; the result is valid in thread 0. The order of the
// combination depends only on blockDim, so results are reproducible run to run. Requires blockDim.x
// to be a multiple of 32 (the host launches 256).
__device__ double block_reduce(double v, double identity, int op) {
    __shared__ double partial[32];
    int lane = threadIdx.x & 31;
    int warp = threadIdx.x >> 5;
    v = warp_reduce(v, op);
    if (lane == 0) {
        partial[warp] = v;
    }
    __syncthreads();
    int warps = blockDim.x >> 5;
    v = threadIdx.x < warps ? partial[lane] : identity;
    if (warp == 0) {
        v = warp_reduce(v, op);
    }
    return v;
}
