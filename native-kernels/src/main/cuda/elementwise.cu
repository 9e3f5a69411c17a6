// Element-wise kernels of the CUDA backend: one thread per (listed problem, entry), grid-stride.
// Arguments follow common.cuh: idx/count list the problems, len is the entries per problem, and every
// operand has its own stride in elements (0 when shared). Outputs may alias inputs entry by entry.
#include "common.cuh"

#define ENTRY_LOOP(count, len)                                   \
    i64 total__ = (i64)(count) * (len);                          \
    DIFFQP_FOR(t, total__) {                                     \
        int k = (int)(t / (len));                                \
        int e = (int)(t - (i64)k * (len));                       \
        i64 i = idx[k];

extern "C" {

// y = value
__global__ void diffqp_fill(const int* __restrict__ idx, int count, int len, double value, double* y, i64 ys) {
    ENTRY_LOOP(count, len)
        y[i * ys + e] = value;
    }
}

// y = x (also used for whole matrices, len = rows*cols)
__global__ void diffqp_copy(const int* __restrict__ idx, int count, int len, const double* x, i64 xs,
                            double* y, i64 ys) {
    ENTRY_LOOP(count, len)
        y[i * ys + e] = x[i * xs + e];
    }
}

// y = a*x + b*y
__global__ void diffqp_axpby(const int* __restrict__ idx, int count, int len, double a, const double* x, i64 xs,
                             double b, double* y, i64 ys) {
    ENTRY_LOOP(count, len)
        y[i * ys + e] = a * x[i * xs + e] + b * y[i * ys + e];
    }
}

// y_i += a[i]*x_i with one coefficient per problem (a has B entries), y per problem
__global__ void diffqp_axpy(const int* __restrict__ idx, int count, int len, const double* __restrict__ a,
                            const double* x, i64 xs, double* y, i64 ys) {
    ENTRY_LOOP(count, len)
        y[i * ys + e] += a[i] * x[i * xs + e];
    }
}

// y += sum over listed problems of a[i]*x_i, y shared: one thread per entry walks the problems in
// index order, so the sum is deterministic and rounds exactly as the CPU backend's sequential loop.
__global__ void diffqp_axpy_shared(const int* __restrict__ idx, int count, int len, const double* __restrict__ a,
                                   const double* x, i64 xs, double* y) {
    DIFFQP_FOR(e, (i64)len) {
        double acc = y[e];
        for (int k = 0; k < count; k++) {
            i64 i = idx[k];
            acc += a[i] * x[i * xs + e];
        }
        y[e] = acc;
    }
}

// y_i += c[i] on every entry
__global__ void diffqp_add_scalar(const int* __restrict__ idx, int count, int len, const double* __restrict__ c,
                                  double* y, i64 ys) {
    ENTRY_LOOP(count, len)
        y[i * ys + e] += c[i];
    }
}

// out = a .* b
__global__ void diffqp_multiply(const int* __restrict__ idx, int count, int len, const double* a, i64 as,
                                const double* b, i64 bs, double* out, i64 os) {
    ENTRY_LOOP(count, len)
        out[i * os + e] = a[i * as + e] * b[i * bs + e];
    }
}

// out = a ./ b
__global__ void diffqp_divide(const int* __restrict__ idx, int count, int len, const double* a, i64 as,
                              const double* b, i64 bs, double* out, i64 os) {
    ENTRY_LOOP(count, len)
        out[i * os + e] = a[i * as + e] / b[i * bs + e];
    }
}

} // extern "C"
