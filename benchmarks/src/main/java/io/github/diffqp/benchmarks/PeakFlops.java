package io.github.diffqp.benchmarks;

import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The double-precision rate this JVM reaches on this machine when doing nothing but multiply–adds, measured
 * in a fraction of a second: the yardstick for the achieved GFLOP/s in {@code diffqp bench}'s table.
 *
 * <p>How: each thread runs a loop over 512 doubles (4 KiB, in L1) that applies eight dependent
 * {@link Math#fma} to every element and stores it back, 16 flops per element for three memory accesses.
 * HotSpot's C2 vectorizes it with the widest vectors it uses on the machine (AVX-512 where enabled) and the
 * unrolled loop keeps enough independent vectors in flight to cover the FMA latency, so the rate is bound by
 * the FMA units. Each thread times many short rounds (about a millisecond, shorter than a scheduler's time
 * slice) and keeps its best, since a round disturbed by other work or still running before C2 compiled the
 * loop only lowers it. Measured once with one thread (the yardstick of a batch of one, which runs inline)
 * and once with as many threads as the JVM sees cores, all at once, their best rates summed (that of a
 * batch spread over the cores). This is
 * a peak for Java code: a hand-scheduled BLAS kernel may reach somewhat more, nothing reaches much more.
 */
public final class PeakFlops {
    private static final int LENGTH = 512;
    private static final int FMAS_PER_ELEMENT = 8;
    private static final long ROUND_NANOS = 1_000_000;
    /** Calls before timing, so that C2 has compiled the loop (it compiles after about 10 000). */
    private static final int WARM_UP_PASSES = 20_000;

    private final double singleThread;
    private final double allCores;
    private final int cores;

    private PeakFlops(double singleThread, double allCores, int cores) {
        this.singleThread = singleThread;
        this.allCores = allCores;
        this.cores = cores;
    }

    /** Measures both rates, spending about {@code millis} milliseconds in all. */
    public static PeakFlops measure(long millis) {
        int cores = Runtime.getRuntime().availableProcessors();
        long nanos = Math.max(ROUND_NANOS, millis * 1_000_000L / 2);
        double[] y = new double[LENGTH], x = new double[LENGTH];
        for (int k = 0; k < WARM_UP_PASSES; k++) {
            fmaPass(y, x, 0.5);
        }
        double one = rate(1, nanos);
        double all = cores == 1 ? one : rate(cores, nanos);
        return new PeakFlops(one, Math.max(one, all), cores);
    }

    /** GFLOP/s of one thread. */
    public double singleThread() {
        return singleThread;
    }

    /** GFLOP/s of all the JVM's cores together. */
    public double allCores() {
        return allCores;
    }

    /** The peak that applies to a batch of {@code batchSize}: one thread for one problem, else every core. */
    public double forBatch(int batchSize) {
        return batchSize == 1 ? singleThread : allCores;
    }

    /** e.g. {@code 14.2 GFLOP/s on 1 thread, 27.9 on 2 (Math.fma loop, best 1 ms round)}. */
    public String describe() {
        return String.format(Locale.ROOT, "%.1f GFLOP/s on 1 thread, %.1f on %d (Math.fma loop, best 1 ms round)",
                singleThread, allCores, cores);
    }

    /** The summed best rates of {@code threads} threads running the loop at once for about {@code nanos}. */
    private static double rate(int threads, long nanos) {
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "peak-flops");
            t.setDaemon(true);
            return t;
        });
        try {
            Callable<Double> task = () -> bestThreadRate(nanos);
            Future<?>[] futures = new Future<?>[threads];
            for (int t = 0; t < threads; t++) {
                futures[t] = pool.submit(task);
            }
            double sum = 0;
            for (Future<?> f : futures) {
                sum += (Double) f.get();
            }
            return sum;
        } catch (Exception e) {
            throw new IllegalStateException("measuring the peak rate failed: " + e, e);
        } finally {
            pool.shutdownNow();
        }
    }

    /** This thread's best GFLOP/s over rounds of about {@link #ROUND_NANOS}, for about {@code nanos} in all. */
    private static double bestThreadRate(long nanos) {
        double[] y = new double[LENGTH], x = new double[LENGTH];
        Arrays.fill(x, 1e-3);
        double best = 0;
        long start = System.nanoTime();
        do {
            long passes = 0;
            long roundStart = System.nanoTime(), elapsed;
            do {
                for (int k = 0; k < 16; k++) {
                    fmaPass(y, x, 0.5);
                }
                passes += 16;
                elapsed = System.nanoTime() - roundStart;
            } while (elapsed < ROUND_NANOS);
            best = Math.max(best, passes * (double) LENGTH * FMAS_PER_ELEMENT * 2 / elapsed);
        } while (System.nanoTime() - start < nanos);
        // y converges to 2x: finite, never subnormal, so every pass costs the same.
        if (!(y[0] > 0 && y[0] < 1)) {
            throw new IllegalStateException("the peak loop's result is off: " + y[0]);
        }
        return best;
    }

    private static void fmaPass(double[] y, double[] x, double a) {
        for (int c = 0; c < LENGTH; c++) {
            double xc = x[c];
            double t = y[c];
            t = Math.fma(t, a, xc);
            t = Math.fma(t, a, xc);
            t = Math.fma(t, a, xc);
            t = Math.fma(t, a, xc);
            t = Math.fma(t, a, xc);
            t = Math.fma(t, a, xc);
            t = Math.fma(t, a, xc);
            t = Math.fma(t, a, xc);
            y[c] = t;
        }
    }
}
