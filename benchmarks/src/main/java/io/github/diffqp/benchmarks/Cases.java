package io.github.diffqp.benchmarks;

import io.github.diffqp.solver.Datum;
import io.github.diffqp.solver.QpBatch;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The workloads of the benchmarks, feasible by construction and reproducible from a seed.
 *
 * <ul>
 *   <li>{@code random:BxNxMxQ} — B independent strictly convex QPs, every datum per problem:
 *       {@code Q = MᵀM/n + 0.1·I}, G and A Gaussian, {@code h = G·x0 + s0} with {@code s0 ∈ (0.1, 1)},
 *       {@code b = A·x0}, so x0 is strictly feasible.</li>
 *   <li>{@code sudoku:B} — the shape of OptNet's 4×4 Sudoku layer: n = 64, {@code Q = 0.1·I},
 *       {@code G = −I}, {@code h = 0}, A 40×64 with positive random entries, {@code b = A·1} (so x = 1 is
 *       strictly feasible), all shared; {@code p = −(one-hot clues)}, random per problem.</li>
 *   <li>{@code optnet:B} — the timing workload of the OptNet paper: n = 100 variables, 100 inequalities, no
 *       equalities, per problem {@code Q = UᵀU + 10⁻³·I} (U uniform in [0, 1)), G and p Gaussian,
 *       {@code h = G·z0 + s0} (z0 Gaussian, s0 uniform in (0, 1)).</li>
 * </ul>
 *
 * The loss gradient dl/dx* of every case is Gaussian, from the same seed.
 *
 * <pre>{@code
 * List<BenchCase> cases = Cases.set("quick");
 * BenchCase c = Cases.parse("random:64x32x32x8");
 * }</pre>
 */
public final class Cases {
    /** The seed every case is built from unless one is given. */
    public static final long DEFAULT_SEED = 20170301L;

    /** Variables of the Sudoku layer's shape: 4×4 boards, 4 digits per cell. */
    public static final int SUDOKU_N = 64;
    /** Equality rows of the Sudoku layer's learned A. */
    public static final int SUDOKU_Q = 40;
    /** Variables and inequality rows of the OptNet timing workload. */
    public static final int OPTNET_N = 100;

    /** The set names {@link #set} knows, smallest first. */
    public static final List<String> SETS = List.of("tiny", "quick", "full");

    private static final Pattern RANDOM = Pattern.compile("random:(\\d+)x(\\d+)x(\\d+)x(\\d+)");
    private static final Pattern SUDOKU = Pattern.compile("sudoku:(\\d+)");
    private static final Pattern OPTNET = Pattern.compile("optnet:(\\d+)");

    private Cases() {
    }

    /**
     * The case specs of a named set: {@code tiny} (seconds; for tests), {@code quick} (under two minutes
     * with ojAlgo on a 2-core CPU) or {@code full}.
     */
    public static List<String> specs(String set) {
        return switch (set) {
            case "tiny" -> List.of("random:2x6x5x2", "sudoku:2");
            case "quick" -> List.of("random:1x32x32x8", "random:64x32x32x8", "sudoku:1", "sudoku:64", "optnet:1",
                    "optnet:64");
            case "full" -> List.of("random:1x16x16x4", "random:256x16x16x4", "random:1x64x64x16", "random:64x64x64x16",
                    "random:8x128x128x32", "sudoku:1", "sudoku:150", "optnet:1", "optnet:64", "optnet:128");
            default -> throw new IllegalArgumentException("unknown case set '" + set + "'; known: " + SETS);
        };
    }

    /** The cases of a named set (see {@link #specs}), built from {@link #DEFAULT_SEED}. */
    public static List<BenchCase> set(String set) {
        return set(set, DEFAULT_SEED);
    }

    public static List<BenchCase> set(String set, long seed) {
        List<BenchCase> cases = new ArrayList<>();
        for (String spec : specs(set)) {
            cases.add(parse(spec, seed));
        }
        return cases;
    }

    public static BenchCase parse(String spec) {
        return parse(spec, DEFAULT_SEED);
    }

    /**
     * The case a spec describes: {@code random:BxNxMxQ}, {@code sudoku:B} or {@code optnet:B}.
     *
     * @throws IllegalArgumentException for a spec that is none of these, naming the forms
     */
    public static BenchCase parse(String spec, long seed) {
        String s = spec.trim().toLowerCase(Locale.ROOT);
        // Each spec gets its own stream, so adding a case to a set does not change the others.
        long caseSeed = seed * 31 + s.hashCode();
        Matcher r = RANDOM.matcher(s);
        if (r.matches()) {
            return random(positive(r.group(1), spec), positive(r.group(2), spec), count(r.group(3), spec),
                    count(r.group(4), spec), caseSeed);
        }
        Matcher su = SUDOKU.matcher(s);
        if (su.matches()) {
            return sudoku(positive(su.group(1), spec), caseSeed);
        }
        Matcher o = OPTNET.matcher(s);
        if (o.matches()) {
            return optnet(positive(o.group(1), spec), caseSeed);
        }
        throw new IllegalArgumentException("bad case '" + spec + "': expected random:BxNxMxQ, sudoku:B or optnet:B");
    }

    /** B random strictly convex QPs of n variables, m inequalities, q equalities (q ≤ n), every datum per problem. */
    public static BenchCase random(int B, int n, int m, int q, long seed) {
        if (q > n) {
            throw new IllegalArgumentException("random case: q = " + q + " equalities exceed n = " + n
                    + " variables (A would be rank deficient)");
        }
        Random rnd = new Random(seed);
        double[] Q = new double[B * n * n], p = new double[B * n];
        double[] G = new double[B * m * n], h = new double[B * m];
        double[] A = new double[B * q * n], b = new double[B * q];
        for (int i = 0; i < B; i++) {
            double[] M = gaussian(rnd, n * n);
            gram(M, n, n, 1.0 / n, 0.1, Q, i * n * n);
            double[] x0 = gaussian(rnd, n);
            fillGaussian(rnd, p, i * n, n);
            fillGaussian(rnd, G, i * m * n, m * n);
            for (int j = 0; j < m; j++) {
                h[i * m + j] = dot(G, (i * m + j) * n, x0) + 0.1 + 0.9 * rnd.nextDouble();
            }
            fillGaussian(rnd, A, i * q * n, q * n);
            for (int j = 0; j < q; j++) {
                b[i * q + j] = dot(A, (i * q + j) * n, x0);
            }
        }
        QpBatch.Builder bl = QpBatch.builder().Q(Datum.batched(B, n, n, Q)).p(Datum.batchedVector(B, n, p));
        if (m > 0) {
            bl.G(Datum.batched(B, m, n, G)).h(Datum.batchedVector(B, m, h));
        }
        if (q > 0) {
            bl.A(Datum.batched(B, q, n, A)).b(Datum.batchedVector(B, q, b));
        }
        String name = "random-b" + B + "-n" + n + "-m" + m + "-q" + q;
        return new BenchCase(name, "random:" + B + "x" + n + "x" + m + "x" + q,
                "random QPs, all data per problem", bl.build(), gaussian(rnd, B * n));
    }

    /** B problems of the Sudoku layer's shape (see the class comment). */
    public static BenchCase sudoku(int B, long seed) {
        int n = SUDOKU_N, q = SUDOKU_Q, cells = n / 4;
        Random rnd = new Random(seed);
        double[] Q = new double[n * n], G = new double[n * n];
        for (int k = 0; k < n; k++) {
            Q[k * n + k] = 0.1;
            G[k * n + k] = -1;
        }
        double[] A = new double[q * n], b = new double[q];
        for (int j = 0; j < q; j++) {
            for (int k = 0; k < n; k++) {
                A[j * n + k] = rnd.nextDouble(); // positive, so A·x = b with x ≥ 0 bounds x
                b[j] += A[j * n + k];           // b = A·1
            }
        }
        double[] p = new double[B * n];
        for (int i = 0; i < B; i++) {
            for (int c = 0; c < cells; c++) {
                if (rnd.nextDouble() < 0.4) { // a clue: its digit's indicator
                    p[i * n + c * 4 + rnd.nextInt(4)] = -1;
                }
            }
        }
        QpBatch batch = QpBatch.builder().size(B)
                .Q(Datum.shared(n, n, Q)).p(Datum.batchedVector(B, n, p))
                .G(Datum.shared(n, n, G)).h(Datum.sharedVector(new double[n]))
                .A(Datum.shared(q, n, A)).b(Datum.sharedVector(b))
                .build();
        return new BenchCase("sudoku-b" + B, "sudoku:" + B,
                "Sudoku layer: Q=0.1I, G=-I, h=0, A 40x64 shared, p one-hot clues", batch, gaussian(rnd, B * n));
    }

    /** B problems of the OptNet paper's timing workload (see the class comment). */
    public static BenchCase optnet(int B, long seed) {
        int n = OPTNET_N, m = OPTNET_N;
        Random rnd = new Random(seed);
        double[] Q = new double[B * n * n], p = new double[B * n];
        double[] G = new double[B * m * n], h = new double[B * m];
        for (int i = 0; i < B; i++) {
            double[] U = new double[n * n];
            for (int k = 0; k < U.length; k++) {
                U[k] = rnd.nextDouble();
            }
            gram(U, n, n, 1, 1e-3, Q, i * n * n);
            fillGaussian(rnd, G, i * m * n, m * n);
            double[] z0 = gaussian(rnd, n);
            for (int j = 0; j < m; j++) {
                h[i * m + j] = dot(G, (i * m + j) * n, z0) + rnd.nextDouble();
            }
            fillGaussian(rnd, p, i * n, n);
        }
        QpBatch batch = QpBatch.builder().Q(Datum.batched(B, n, n, Q)).p(Datum.batchedVector(B, n, p))
                .G(Datum.batched(B, m, n, G)).h(Datum.batchedVector(B, m, h)).build();
        return new BenchCase("optnet-b" + B, "optnet:" + B,
                "OptNet timing: n=100, m=100, Q=U'U+1e-3I, h=Gz0+s0", batch, gaussian(rnd, B * n));
    }

    /**
     * {@code out[off..] = scale·MᵀM + ridge·I} for M of {@code rows × n}; symmetric to the last bit (QpBatch
     * checks symmetry). Public for the test module's generators.
     */
    public static void gram(double[] M, int rows, int n, double scale, double ridge, double[] out, int off) {
        for (int r = 0; r < n; r++) {
            for (int c = r; c < n; c++) {
                double s = 0;
                for (int k = 0; k < rows; k++) {
                    s += M[k * n + r] * M[k * n + c];
                }
                double v = scale * s + (r == c ? ridge : 0);
                out[off + r * n + c] = v;
                out[off + c * n + r] = v;
            }
        }
    }

    private static double[] gaussian(Random rnd, int count) {
        double[] v = new double[count];
        fillGaussian(rnd, v, 0, count);
        return v;
    }

    private static void fillGaussian(Random rnd, double[] v, int offset, int count) {
        for (int k = 0; k < count; k++) {
            v[offset + k] = rnd.nextGaussian();
        }
    }

    private static double dot(double[] a, int offset, double[] x) {
        double s = 0;
        for (int k = 0; k < x.length; k++) {
            s += a[offset + k] * x[k];
        }
        return s;
    }

    private static int positive(String digits, String spec) {
        int v = count(digits, spec);
        if (v < 1) {
            throw new IllegalArgumentException("bad case '" + spec + "': batch size and n must be at least 1");
        }
        return v;
    }

    private static int count(String digits, String spec) {
        try {
            return Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad case '" + spec + "': " + digits + " is too large", e);
        }
    }
}
