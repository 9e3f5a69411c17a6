package io.github.diffqp.benchmarks;

import io.github.diffqp.batching.CostModel;
import io.github.diffqp.batching.Shape;
import io.github.diffqp.solver.backend.BackendUnavailableException;
import io.github.diffqp.backward.Gradients;
import io.github.diffqp.backward.LayerForward;
import io.github.diffqp.backward.Parameter;
import io.github.diffqp.backward.QpLayer;
import io.github.diffqp.solver.QpProblem;
import io.github.diffqp.solver.QpSolution;
import io.github.diffqp.solver.SolverOptions;
import io.github.diffqp.solver.Status;
import io.github.diffqp.solver.backend.BackendProvider;
import io.github.diffqp.solver.backend.Backends;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The side-by-side comparison behind {@code diffqp bench}: for every case, DiffQP's forward and backward on
 * each backend asked for, then ojAlgo's forward on the same problems (one problem alone on one thread; a
 * batch spread over the cores with a parallel stream), each timed by {@link Timer}, and the agreement of
 * the answers.
 *
 * <p>The first DiffQP backend is the case's reference: the other rows' {@code max_abs_dx} is measured
 * against its x, and the ratios against its time. DiffQP's gradient column is {@link DirectionalCheck}.
 *
 * <pre>{@code
 * List<Row> rows = new Comparison(Comparison.Settings.quick()).run(Cases.set("quick"), System.out::println);
 * }</pre>
 */
public final class Comparison {
    /** Solver names, as the table and JSON write them. */
    public static final String DIFFQP = "diffqp", OJALGO = "ojalgo";

    /**
     * What to run.
     *
     * @param timing        warm-up, repeats and time budget per row
     * @param backends      DiffQP backends to run, by name; empty for every usable one
     * @param ojalgo        whether to run ojAlgo
     * @param gradientCheck whether to run {@link DirectionalCheck} for DiffQP's rows
     * @param checkProblems problems of each case the gradient check uses
     * @param ojalgoMax     the most problems of a batch ojAlgo solves in a timed run: ojAlgo's active-set
     *                      method takes about half a second for one OptNet problem (n = 100) on this project's
     *                      2-core machine, so a batch of 64 would take the whole budget; above the cap its time
     *                      is measured on the first problems and scaled to the batch
     */
    public record Settings(Timer.Settings timing, List<String> backends, boolean ojalgo, boolean gradientCheck,
                           int checkProblems, int ojalgoMax) {
        public Settings {
            Objects.requireNonNull(timing, "timing");
            backends = List.copyOf(backends);
            if (checkProblems < 1 || ojalgoMax < 1) {
                throw new IllegalArgumentException("checkProblems and ojalgoMax must be at least 1, got "
                        + checkProblems + ", " + ojalgoMax);
            }
        }

        /**
         * At least 3 warm-ups and 1 s of them, at least 7 timed runs and 1 s, at most 10 s per row; every
         * backend, ojAlgo on up to 32 problems, the gradient check on 4.
         */
        public static Settings full() {
            return new Settings(new Timer.Settings(3, 7, 1, 10), List.of(), true, true,
                    DirectionalCheck.DEFAULT_PROBLEMS, 32);
        }

        /**
         * At least 2 warm-ups and 0.3 s, at least 5 timed runs and 0.3 s, at most 3 s per row; ojAlgo on up to
         * 8 problems, the gradient check on 2: fit for {@code --quick}.
         */
        public static Settings quick() {
            return new Settings(new Timer.Settings(2, 5, 0.3, 3), List.of(), true, true, 2, 8);
        }

        /** These settings with other timing. */
        public Settings withTiming(Timer.Settings value) {
            return new Settings(value, backends, ojalgo, gradientCheck, checkProblems, ojalgoMax);
        }

        public Settings withBackends(List<String> value) {
            return new Settings(timing, value, ojalgo, gradientCheck, checkProblems, ojalgoMax);
        }

        public Settings withOjalgo(boolean value) {
            return new Settings(timing, backends, value, gradientCheck, checkProblems, ojalgoMax);
        }

        public Settings withGradientCheck(boolean value) {
            return new Settings(timing, backends, ojalgo, value, checkProblems, ojalgoMax);
        }

        public Settings withOjalgoMax(int value) {
            return new Settings(timing, backends, ojalgo, gradientCheck, checkProblems, value);
        }
    }

    private final Settings settings;
    private final Timer timer;
    private PeakFlops peak;

    public Comparison(Settings settings) {
        this.settings = settings;
        this.timer = new Timer(settings.timing());
    }

    /** The DiffQP backends this comparison runs: those named, or every usable one, best first. */
    public List<String> backends() {
        if (!settings.backends().isEmpty()) {
            return settings.backends();
        }
        List<String> usable = new ArrayList<>();
        for (BackendProvider p : Backends.all()) {
            if (p.availability().usable()) {
                usable.add(p.name());
            }
        }
        if (usable.isEmpty()) {
            throw new BackendUnavailableException("no usable DiffQP backend (add cpu-fallback to the class path)");
        }
        return usable;
    }

    /** Milliseconds {@link #peak()} spends measuring. */
    static final long PEAK_MILLIS = 400;

    /** The machine's peak rate, measured on first use (at the start of {@link #run}). */
    public PeakFlops peak() {
        if (peak == null) {
            peak = PeakFlops.measure(PEAK_MILLIS);
        }
        return peak;
    }

    /**
     * Runs every case and returns the rows, case by case (DiffQP's backends first, then ojAlgo).
     *
     * @param progress told one line per row as it finishes (may be a no-op)
     */
    public List<Row> run(List<BenchCase> cases, Consumer<String> progress) {
        List<String> backends = backends();
        warmUp(backends);
        peak();
        List<Row> all = new ArrayList<>();
        for (BenchCase c : cases) {
            List<Row> rows = new ArrayList<>();
            double[] refX = null;
            Gradients refGrad = null;
            for (String backend : backends) {
                DiffqpRun r = diffqp(c, backend, refX, refGrad);
                if (refX == null) {
                    refX = r.x;
                    refGrad = r.gradients;
                }
                rows.add(r.row);
                progress.accept(line(r.row));
            }
            if (settings.ojalgo()) {
                Row row = ojalgo(c, refX);
                rows.add(row);
                progress.accept(line(row));
            }
            all.addAll(withRatios(rows));
        }
        return all;
    }

    /**
     * Seconds of untimed work before the first case, so that it is not the one that pays for the JIT (at
     * most the time budget of one row, so that a run asked to be brief stays brief).
     */
    static final double JIT_WARMUP_SECONDS = 1;

    /**
     * Runs every solver on a small case for {@link #JIT_WARMUP_SECONDS}: each case's own warm-up then only
     * has to settle what is particular to its shape, and the first case's figures are comparable to the rest.
     */
    private void warmUp(List<String> backends) {
        BenchCase small = Cases.parse("random:4x16x16x4");
        List<QpProblem> problems = small.problems();
        double seconds = Math.min(JIT_WARMUP_SECONDS, settings.timing().maxSeconds());
        long end = System.nanoTime() + (long) (seconds * 1e9);
        do {
            for (String backend : backends) {
                try (LayerForward f = new QpLayer(SolverOptions.defaults().withBackend(backend)).forward(small.batch())) {
                    f.backward(small.dlDx());
                }
            }
            if (settings.ojalgo()) {
                OjAlgoSolver.parallel(problems);
            }
        } while (System.nanoTime() < end);
    }

    private record DiffqpRun(Row row, double[] x, Gradients gradients) {
    }

    private DiffqpRun diffqp(BenchCase c, String backend, double[] refX, Gradients refGrad) {
        QpLayer layer = new QpLayer(SolverOptions.defaults().withBackend(backend));
        AtomicReference<QpSolution> solution = new AtomicReference<>();
        AtomicReference<Gradients> gradients = new AtomicReference<>();
        Timer.Result t = timer.time(2, sw -> {
            try (LayerForward f = layer.forward(c.batch())) {
                sw.lap();
                Gradients g = f.backward(c.dlDx());
                sw.lap();
                solution.set(f.solution());
                gradients.set(g);
            }
        });
        QpSolution sol = solution.get();
        int solved = 0, iterations = 0;
        long totalIterations = 0;
        for (int i = 0; i < c.size(); i++) {
            solved += sol.status(i) == Status.SOLVED ? 1 : 0;
            iterations = Math.max(iterations, sol.iterations(i));
            totalIterations += sol.iterations(i);
        }
        double gflops = totalIterations * CostModel.flops(new Shape(c.n(), c.m(), c.q())) / t.seconds(0) / 1e9;
        double share = "cpu".equals(backend) ? gflops / peak().forBatch(c.size()) : Double.NaN;
        double dx = refX == null ? Double.NaN : maxAbsDiff(sol.x(), refX);
        double dgrad;
        if (refGrad != null) {
            dgrad = maxRelDiff(gradients.get(), refGrad);
        } else if (settings.gradientCheck()) {
            dgrad = DirectionalCheck.run(c.batch(), c.dlDx(), layer.options(), settings.checkProblems(), 7).worst();
        } else {
            dgrad = Double.NaN;
        }
        Row row = new Row(c.name(), c.size(), c.n(), c.m(), c.q(), DIFFQP, backend, t.seconds(0), t.seconds(1),
                Double.NaN, Double.NaN, mib(t.bytes(0)), mib(t.bytes(1)), solved, iterations, dx, dgrad, t.runs(),
                c.size(), gflops, share);
        return new DiffqpRun(row, sol.x().clone(), gradients.get());
    }

    private Row ojalgo(BenchCase c, double[] refX) {
        int timed = Math.min(c.size(), settings.ojalgoMax());
        // Copied out of the batch before timing, as a caller would hold them.
        List<QpProblem> problems = c.problems().subList(0, timed);
        boolean parallel = timed > 1;
        int threads = parallel ? Math.min(timed, Runtime.getRuntime().availableProcessors()) : 1;
        AtomicReference<OjAlgoSolver.Answer> answer = new AtomicReference<>();
        Timer.Result t = timer.time(1, sw -> {
            answer.set(parallel ? OjAlgoSolver.parallel(problems) : OjAlgoSolver.sequential(problems));
            sw.lap();
        });
        OjAlgoSolver.Answer a = answer.get();
        double scale = (double) c.size() / timed;
        String backend = "cpu, " + threads + (threads == 1 ? " thread" : " threads");
        double dx = refX == null ? Double.NaN : maxAbsDiff(a.x(), java.util.Arrays.copyOf(refX, timed * c.n()));
        return new Row(c.name(), c.size(), c.n(), c.m(), c.q(), OJALGO, backend, scale * t.seconds(0), Double.NaN,
                Double.NaN, Double.NaN, scale * mib(t.bytes(0)), Double.NaN, a.optimal(), Double.NaN, dx, Double.NaN,
                t.runs(), timed, Double.NaN, Double.NaN);
    }

    /** Sets each row's ratios: to the case's first DiffQP row and to its fastest row. */
    static List<Row> withRatios(List<Row> rows) {
        double reference = rows.stream().filter(r -> r.solver().equals(DIFFQP)).mapToDouble(Row::secondsPerBatch)
                .findFirst().orElse(Double.NaN);
        double fastest = rows.stream().mapToDouble(Row::secondsPerBatch).min().orElse(Double.NaN);
        return rows.stream().map(r -> r.withRatios(r.secondsPerBatch() / reference, r.secondsPerBatch() / fastest))
                .toList();
    }

    /** max |a − b| over all entries. */
    static double maxAbsDiff(double[] a, double[] b) {
        double m = 0;
        for (int k = 0; k < a.length; k++) {
            m = Math.max(m, Math.abs(a[k] - b[k]));
        }
        return m;
    }

    /** Over the data both have, max ‖a − b‖∞ / ‖b‖∞ (the absolute difference where b is zero). */
    static double maxRelDiff(Gradients a, Gradients b) {
        double worst = 0;
        for (Parameter p : Parameter.values()) {
            if (a.has(p) && b.has(p)) {
                double[] x = a.get(p).values(), y = b.get(p).values();
                double scale = 0;
                for (double v : y) {
                    scale = Math.max(scale, Math.abs(v));
                }
                double d = maxAbsDiff(x, y);
                worst = Math.max(worst, scale > 0 ? d / scale : d);
            }
        }
        return worst;
    }

    private static double mib(double bytes) {
        return bytes / (1024.0 * 1024.0);
    }

    private static String line(Row r) {
        return String.format(java.util.Locale.ROOT, "%-24s %-7s %-16s %s/batch", r.caseName(), r.solver(), r.backend(),
                Report.seconds(r.secondsPerBatch()));
    }
}
