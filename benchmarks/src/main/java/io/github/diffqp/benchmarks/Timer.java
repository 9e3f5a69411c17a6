package io.github.diffqp.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

/**
 * Times a task the way the comparison does: warm-up runs (for the JIT), then repeated runs, and the
 * median of each phase (the median, not the mean, so that a garbage collection or a stray process in one run
 * does not move the figure). A task marks the end of each phase with {@link Stopwatch#lap()}, so one run of
 * "forward, then backward" yields both times.
 *
 * <p>Beside time, each phase's <em>allocated bytes</em>, summed over all threads (the batch runs on the
 * common fork-join pool): the heap the phase asked for, which bounds from above how much the heap can grow
 * during it. It is read from {@code com.sun.management.ThreadMXBean}; where that is not available it is NaN.
 *
 * <pre>{@code
 * Timer.Result r = new Timer(new Timer.Settings(2, 5, 0.5, 10)).time(2, sw -> {
 *     LayerForward f = layer.forward(batch); sw.lap();
 *     f.backward(g); sw.lap();
 *     f.close();
 * });
 * double forwardSeconds = r.seconds(0), backwardSeconds = r.seconds(1);
 * }</pre>
 */
public final class Timer {
    /**
     * How much to run.
     *
     * @param warmups    warm-up runs before timing, at least (one is always made)
     * @param repeats    timed runs, at least, of which the median is taken
     * @param minSeconds warm-up and timing each go on until this much time is spent, so that fast tasks get
     *                   enough runs for the JIT and for a stable median
     * @param maxSeconds a budget per task: warm-up stops once half of it is spent, timing once all of it is
     *                   and three runs are made (one, if a single run takes over a third of it), so that slow
     *                   solvers do not hold up the table
     */
    public record Settings(int warmups, int repeats, double minSeconds, double maxSeconds) {
        public Settings {
            if (warmups < 0 || repeats < 1 || !(minSeconds >= 0) || !(maxSeconds > 0)) {
                throw new IllegalArgumentException("warmups ≥ 0, repeats ≥ 1, minSeconds ≥ 0 and maxSeconds > 0 "
                        + "expected, got " + warmups + ", " + repeats + ", " + minSeconds + ", " + maxSeconds);
            }
        }
    }

    /** A run of the task: call {@link Stopwatch#lap()} at the end of each phase. */
    @FunctionalInterface
    public interface Task {
        void run(Stopwatch stopwatch) throws Exception;
    }

    /**
     * Medians over the timed runs, per phase.
     *
     * @param runs    timed runs made
     * @param seconds median seconds of each phase
     * @param bytes   median allocated bytes of each phase (NaN where not measurable)
     */
    public record Result(int runs, double[] seconds, double[] bytes) {
        public double seconds(int phase) {
            return seconds[phase];
        }

        public double bytes(int phase) {
            return bytes[phase];
        }
    }

    private static final int MIN_REPEATS = 3;
    /** Caps on the number of runs, for tasks of microseconds. */
    private static final int MAX_WARMUPS = 100_000, MAX_RUNS = 10_000;

    private final Settings settings;

    public Timer(Settings settings) {
        this.settings = settings;
    }

    public Settings settings() {
        return settings;
    }

    /**
     * Runs {@code task} (warm-up, then timed) and returns the medians of its {@code phases} phases.
     *
     * @throws IllegalStateException when a run marks a different number of phases
     */
    public Result time(int phases, Task task) {
        Stopwatch sw = new Stopwatch(phases);
        double warmSpent = 0, last = 0;
        int warm = 0;
        do {
            last = runOnce(sw, task);
            warmSpent += last;
            warm++;
        } while ((warm < settings.warmups() || warmSpent < settings.minSeconds())
                && warmSpent < settings.maxSeconds() / 2 && warm < MAX_WARMUPS);
        int minRuns = last > settings.maxSeconds() / 3 ? 1 : Math.min(MIN_REPEATS, settings.repeats());
        double[][] secs = new double[phases][16];
        double[][] bytes = new double[phases][16];
        double spent = 0;
        int runs = 0;
        while (runs < MAX_RUNS && (runs < minRuns || spent < settings.maxSeconds())
                && (runs < settings.repeats() || spent < settings.minSeconds())) {
            spent += runOnce(sw, task);
            if (runs == secs[0].length) {
                for (int ph = 0; ph < phases; ph++) {
                    secs[ph] = Arrays.copyOf(secs[ph], 2 * runs);
                    bytes[ph] = Arrays.copyOf(bytes[ph], 2 * runs);
                }
            }
            for (int ph = 0; ph < phases; ph++) {
                secs[ph][runs] = sw.seconds[ph];
                bytes[ph][runs] = sw.bytes[ph];
            }
            runs++;
        }
        double[] medSecs = new double[phases], medBytes = new double[phases];
        for (int ph = 0; ph < phases; ph++) {
            medSecs[ph] = median(secs[ph], runs);
            medBytes[ph] = median(bytes[ph], runs);
        }
        return new Result(runs, medSecs, medBytes);
    }

    private static double runOnce(Stopwatch sw, Task task) {
        sw.start();
        try {
            task.run(sw);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("benchmark task failed: " + e, e);
        }
        if (sw.laps != sw.seconds.length) {
            throw new IllegalStateException("the task marked " + sw.laps + " phases, expected " + sw.seconds.length);
        }
        double total = 0;
        for (double s : sw.seconds) {
            total += s;
        }
        return total;
    }

    /** The median of the first {@code count} values (NaN when any is NaN). */
    static double median(double[] values, int count) {
        double[] v = Arrays.copyOf(values, count);
        for (double x : v) {
            if (Double.isNaN(x)) {
                return Double.NaN;
            }
        }
        Arrays.sort(v);
        return count % 2 == 1 ? v[count / 2] : 0.5 * (v[count / 2 - 1] + v[count / 2]);
    }

    /** The clock a task reads: one {@link #lap()} at the end of each phase. */
    public static final class Stopwatch {
        private final double[] seconds;
        private final double[] bytes;
        private int laps;
        private long phaseStart;
        private long phaseBytes;

        private Stopwatch(int phases) {
            this.seconds = new double[phases];
            this.bytes = new double[phases];
        }

        private void start() {
            laps = 0;
            phaseBytes = Allocation.allThreads();
            phaseStart = System.nanoTime();
        }

        /** Ends the current phase and starts the next. */
        public void lap() {
            long now = System.nanoTime();
            long allocated = Allocation.allThreads();
            if (laps < seconds.length) {
                seconds[laps] = (now - phaseStart) / 1e9;
                bytes[laps] = allocated < 0 || phaseBytes < 0 ? Double.NaN : allocated - phaseBytes;
            }
            laps++;
            phaseBytes = allocated;
            // Restarted after reading the counters, so their own cost is in no phase's time.
            phaseStart = System.nanoTime();
        }
    }

    /** Bytes allocated so far by all live threads, or −1 where the JVM cannot tell. */
    static final class Allocation {
        private static final com.sun.management.ThreadMXBean BEAN = bean();

        private Allocation() {
        }

        private static com.sun.management.ThreadMXBean bean() {
            ThreadMXBean b = ManagementFactory.getThreadMXBean();
            if (b instanceof com.sun.management.ThreadMXBean sun && sun.isThreadAllocatedMemorySupported()) {
                if (!sun.isThreadAllocatedMemoryEnabled()) {
                    sun.setThreadAllocatedMemoryEnabled(true);
                }
                return sun;
            }
            return null;
        }

        static long allThreads() {
            if (BEAN == null) {
                return -1;
            }
            long total = 0;
            for (long b : BEAN.getThreadAllocatedBytes(BEAN.getAllThreadIds())) {
                if (b > 0) { // −1 for a thread that ended between the two calls
                    total += b;
                }
            }
            return total;
        }
    }
}
