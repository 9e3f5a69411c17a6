package io.github.diffqp.cuda;

import io.github.diffqp.backward.Gradients;
import io.github.diffqp.backward.LayerForward;
import io.github.diffqp.backward.QpLayer;
import io.github.diffqp.solver.Datum;
import io.github.diffqp.solver.QpBatch;
import io.github.diffqp.solver.QpSolution;
import io.github.diffqp.solver.SolverOptions;
import io.github.diffqp.solver.backend.BackendProvider;
import io.github.diffqp.solver.backend.Backends;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * A quick side-by-side timing of forward + backward on the {@code cpu} and {@code cuda} backends, for the
 * GPU machine's script ({@code scripts/gpu-suite.sh}); not a benchmark (the benchmarks module is). One
 * random batch of strictly convex QPs, every datum per problem (and a second with shared Q, G, A):
 * warm-up runs, then the median of timed runs, and how far the cuda solution and gradients are from
 * the cpu ones.
 *
 * <pre>
 *   java -cp diffqp.jar:test-classes io.github.diffqp.cuda.GpuTiming [B n m q runs] [output.md]
 * </pre>
 */
public final class GpuTiming {
    private GpuTiming() {
    }

    public static void main(String[] args) throws IOException {
        int B = args.length > 0 ? Integer.parseInt(args[0]) : 128;
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        int m = args.length > 2 ? Integer.parseInt(args[2]) : 100;
        int q = args.length > 3 ? Integer.parseInt(args[3]) : 0;
        int runs = args.length > 4 ? Integer.parseInt(args[4]) : 5;
        Path output = args.length > 5 ? Paths.get(args[5]) : null;

        List<String> rows = new ArrayList<>();
        rows.add(String.format(Locale.ROOT, "forward + backward (all six gradients), B=%d n=%d m=%d q=%d, median of %d"
                + " runs after 2 warm-up runs", B, n, m, q, runs));
        rows.add("");
        rows.add("| data | backend | forward ms | backward ms | total ms | iterations (max) | solved | max |Δx| vs cpu"
                + " | max |Δgrad| vs cpu |");
        rows.add("|---|---|---|---|---|---|---|---|---|");
        for (boolean shared : new boolean[] {false, true}) {
            QpBatch batch = randomBatch(new Random(42), B, n, m, q, shared);
            double[] dlDx = new double[B * n];
            Random r = new Random(43);
            for (int k = 0; k < dlDx.length; k++) {
                dlDx[k] = r.nextGaussian();
            }
            Result cpu = null;
            for (String backend : new String[] {"cpu", "cuda"}) {
                BackendProvider p = Backends.all().stream().filter(x -> x.name().equals(backend)).findFirst()
                        .orElse(null);
                String data = shared ? "shared Q, G" : "per problem";
                if (p == null || !p.availability().usable()) {
                    rows.add("| " + data + " | " + backend + " | unavailable: " + (p == null ? "not on the class path"
                            : p.availability().reason()) + " | | | | | | |");
                    continue;
                }
                Result res = time(batch, dlDx, backend, runs);
                if (backend.equals("cpu")) {
                    cpu = res;
                }
                rows.add(String.format(Locale.ROOT, "| %s | %s | %.1f | %.1f | %.1f | %d | %d/%d | %s | %s |", data,
                        backend, res.forwardMs, res.backwardMs, res.forwardMs + res.backwardMs, res.maxIterations,
                        res.solved, B, cpu == null || res == cpu ? "–" : String.format(Locale.ROOT, "%.2e",
                                maxDiff(cpu.x, res.x)),
                        cpu == null || res == cpu ? "–" : String.format(Locale.ROOT, "%.2e",
                                maxDiff(cpu.gradients, res.gradients))));
            }
        }
        rows.add("");
        rows.add("cuda: " + Backends.all().stream().filter(x -> x.name().equals("cuda")).findFirst()
                .map(x -> x.availability().reason()).orElse("not on the class path"));
        String text = String.join("\n", rows) + "\n";
        System.out.print(text);
        if (output != null) {
            Files.writeString(output, text);
        }
    }

    private record Result(double forwardMs, double backwardMs, int maxIterations, int solved, double[] x,
                          double[] gradients) {
    }

    private static Result time(QpBatch batch, double[] dlDx, String backend, int runs) {
        QpLayer layer = new QpLayer(SolverOptions.defaults().withBackend(backend));
        double[] fw = new double[runs], bw = new double[runs];
        Result last = null;
        for (int run = -2; run < runs; run++) {
            long t0 = System.nanoTime();
            try (LayerForward f = layer.forward(batch)) {
                QpSolution sol = f.solution();
                long t1 = System.nanoTime();
                Gradients g = f.backward(dlDx);
                long t2 = System.nanoTime();
                if (run >= 0) {
                    fw[run] = (t1 - t0) / 1e6;
                    bw[run] = (t2 - t1) / 1e6;
                }
                int iterations = 0, solved = 0;
                for (int i = 0; i < batch.size(); i++) {
                    iterations = Math.max(iterations, sol.iterations(i));
                    solved += sol.status(i) == io.github.diffqp.solver.Status.SOLVED ? 1 : 0;
                }
                List<double[]> grads = new ArrayList<>();
                for (io.github.diffqp.backward.Parameter p : io.github.diffqp.backward.Parameter.values()) {
                    if (g.has(p)) {
                        grads.add(g.get(p).values());
                    }
                }
                last = new Result(0, 0, iterations, solved, sol.x(), concat(grads));
            }
        }
        Arrays.sort(fw);
        Arrays.sort(bw);
        return new Result(fw[runs / 2], bw[runs / 2], last.maxIterations, last.solved, last.x, last.gradients);
    }

    private static double[] concat(List<double[]> parts) {
        int n = parts.stream().mapToInt(a -> a.length).sum();
        double[] out = new double[n];
        int o = 0;
        for (double[] a : parts) {
            System.arraycopy(a, 0, out, o, a.length);
            o += a.length;
        }
        return out;
    }

    private static double maxDiff(double[] a, double[] b) {
        double d = 0;
        for (int k = 0; k < Math.min(a.length, b.length); k++) {
            d = Math.max(d, Math.abs(a[k] - b[k]));
        }
        return a.length == b.length ? d : Double.NaN;
    }

    /** Feasible strictly convex QPs: Q = MᵀM/n + I, h = G·x0 + slack (half the rows active), b = A·x0. */
    static QpBatch randomBatch(Random rnd, int B, int n, int m, int q, boolean shared) {
        int mats = shared ? 1 : B;
        double[] Q = new double[mats * n * n];
        for (int i = 0; i < mats; i++) {
            double[] M = gaussian(rnd, n * n);
            for (int r = 0; r < n; r++) {
                for (int c = 0; c <= r; c++) {
                    double s = 0;
                    for (int k = 0; k < n; k++) {
                        s += M[k * n + r] * M[k * n + c];
                    }
                    s = s / n + (r == c ? 1 : 0);
                    Q[i * n * n + r * n + c] = s;
                    Q[i * n * n + c * n + r] = s;
                }
            }
        }
        double[] x0 = gaussian(rnd, B * n);
        double[] G = gaussian(rnd, mats * m * n), A = gaussian(rnd, mats * q * n);
        double[] h = new double[B * m], b = new double[B * q];
        for (int i = 0; i < B; i++) {
            int go = shared ? 0 : i * m * n, ao = shared ? 0 : i * q * n;
            for (int j = 0; j < m; j++) {
                double s = 0;
                for (int c = 0; c < n; c++) {
                    s += G[go + j * n + c] * x0[i * n + c];
                }
                h[i * m + j] = s + (rnd.nextBoolean() ? rnd.nextDouble() : 0);
            }
            for (int j = 0; j < q; j++) {
                double s = 0;
                for (int c = 0; c < n; c++) {
                    s += A[ao + j * n + c] * x0[i * n + c];
                }
                b[i * q + j] = s;
            }
        }
        QpBatch.Builder builder = QpBatch.builder()
                .Q(shared ? Datum.shared(n, n, Q) : Datum.batched(B, n, n, Q))
                .p(Datum.batchedVector(B, n, gaussian(rnd, B * n)));
        if (m > 0) {
            builder.G(shared ? Datum.shared(m, n, G) : Datum.batched(B, m, n, G)).h(Datum.batchedVector(B, m, h));
        }
        if (q > 0) {
            builder.A(shared ? Datum.shared(q, n, A) : Datum.batched(B, q, n, A)).b(Datum.batchedVector(B, q, b));
        }
        return builder.build();
    }

    private static double[] gaussian(Random rnd, int count) {
        double[] v = new double[count];
        for (int k = 0; k < count; k++) {
            v[k] = rnd.nextGaussian();
        }
        return v;
    }
}
