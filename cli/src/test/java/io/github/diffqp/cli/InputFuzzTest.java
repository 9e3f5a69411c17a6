package io.github.diffqp.cli;

import io.github.diffqp.solver.Datum;
import io.github.diffqp.solver.InvalidProblemException;
import io.github.diffqp.solver.QpBatch;
import io.github.diffqp.solver.qps.QpsFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A fuzz suite of the input readers (docs/DESIGN.md §6.7): random byte mutations ({@link ByteMutator}) of
 * valid files — the examples, the QPS test files, the NumPy fixtures — read through the same entry points as
 * {@code diffqp solve} ({@link ProblemSet#readProblems}, {@link GradientFile#read}), and random data handed
 * to {@link QpBatch}'s validation. The only outcomes allowed are a result or the reader's documented
 * exception; any other exception, or a read that takes longer than {@link #PER_TRY_SECONDS}, fails the test
 * with the input (escaped or in hex) and the seed that reproduces it.
 *
 * <p>Bounded for {@code mvn verify}: each target runs until {@code diffqp.fuzz.tries} inputs (default
 * 1500) or {@code diffqp.fuzz.seconds} seconds (default 4), whichever comes first, from the fixed seed
 * {@code diffqp.fuzz.seed} (default 14), so that a CI run is reproducible. A release run raises them, e.g.
 * {@code -Ddiffqp.fuzz.tries=200000 -Ddiffqp.fuzz.seconds=600 -Ddiffqp.fuzz.seed=$RANDOM} (README, Testing).
 */
class InputFuzzTest {
    private static final int TRIES = Integer.getInteger("diffqp.fuzz.tries", 1500);
    private static final long SECONDS = Long.getLong("diffqp.fuzz.seconds", 4);
    private static final long SEED = Long.getLong("diffqp.fuzz.seed", 14);
    /** Far beyond what reading a file of a few kilobytes takes, even on a loaded machine. */
    private static final long PER_TRY_SECONDS = 20;
    private static final Path MAROS_MESZAROS = Path.of("../test/src/test/resources/maros-meszaros");
    private static final Path FUZZ_SEEDS = Path.of("src/test/resources/fuzz");
    /** The QPS files small enough to mutate quickly (the larger ones add only more of the same lines). */
    private static final long SMALL_QPS_BYTES = 5_000;

    @TempDir
    Path dir;

    private interface FileReader {
        Object read(Path file) throws Exception;
    }

    /** What one campaign saw: how many inputs, and each outcome (read, or the exception type) with its count. */
    private record Tally(String target, int tries, long millis, Map<String, Integer> outcomes) {
        @Override
        public String toString() {
            return "fuzz " + target + ": " + tries + " inputs in " + millis + " ms (seed " + SEED + "): " + outcomes;
        }
    }

    @Test
    void jsonProblemsFiles() throws Exception {
        // The examples, and small files of the less common forms (null data, empty pairs, per-problem G and h).
        List<Path> seeds = List.of(ExampleFilesTest.examples().resolve("small-batch.json"),
                ExampleFilesTest.examples().resolve("mixed-shapes.json"), FUZZ_SEEDS.resolve("one-problem.json"),
                FUZZ_SEEDS.resolve("three-problems.json"), FUZZ_SEEDS.resolve("batched-constraints.json"));
        campaign("json problems", seeds, ".json", 1, List.of(JsonFormatException.class, InvalidProblemException.class),
                ProblemSet::readProblems);
    }

    @Test
    void qpsProblemsFiles() throws Exception {
        List<Path> seeds;
        try (Stream<Path> files = Files.list(MAROS_MESZAROS)) {
            seeds = files.filter(f -> f.toString().endsWith(".QPS")).filter(f -> size(f) < SMALL_QPS_BYTES).sorted().toList();
        }
        assertTrue(seeds.size() >= 5, "the small QPS files of " + MAROS_MESZAROS.toAbsolutePath());
        campaign("qps problems", seeds, ".qps", 2, List.of(QpsFormatException.class, InvalidProblemException.class),
                ProblemSet::readProblems);
    }

    @Test
    void npzProblemsFiles() throws Exception {
        List<Path> seeds = Stream.of("small-batch.npz", "small-batch-compressed.npz", "small-batch-variants.npz")
                .map(NpzInputTest.FIXTURES::resolve).toList();
        campaign("npz problems", seeds, ".npz", 3, List.of(NpzFormatException.class, InvalidProblemException.class),
                ProblemSet::readProblems);
    }

    @Test
    void gradientFiles() throws Exception {
        for (String extension : List.of(".json", ".npy", ".npz")) {
            Path seed = NpzInputTest.FIXTURES.resolve("dl_dx" + extension);
            campaign("gradient " + extension, List.of(seed), extension, 4 + extension.hashCode(),
                    List.of(JsonFormatException.class, NpzFormatException.class), file -> GradientFile.read(file, 3, 3));
        }
    }

    /**
     * Random batches of small, often inconsistent shapes and of values that include NaN, infinities and huge
     * numbers: {@link QpBatch.Builder#build()} returns a batch or throws {@link InvalidProblemException}.
     */
    @Test
    void qpBatchValidation() throws Exception {
        Random random = new Random(SEED + 5);
        List<Callable<Object>> inputs = new ArrayList<>();
        List<String> descriptions = new ArrayList<>();
        for (int t = 0; t < TRIES; t++) {
            int n = random.nextInt(5), m = random.nextInt(4), q = random.nextInt(3), batch = 1 + random.nextInt(3);
            Datum[] data = new Datum[6];
            int[][] shapes = {{n, n}, {n, 1}, {m, n}, {m, 1}, {q, n}, {q, 1}};
            for (int k = 0; k < 6; k++) {
                if (k != 1 && random.nextInt(5) == 0) {
                    continue; // absent (p only rarely: that is one fault among many)
                }
                int rows = shapes[k][0] + (random.nextInt(10) == 0 ? 1 : 0);
                int cols = shapes[k][1] + (random.nextInt(10) == 0 && k % 2 == 0 ? 1 : 0);
                int copies = random.nextBoolean() ? 0 : batch + (random.nextInt(10) == 0 ? 1 : 0);
                double[] v = new double[Math.max(copies, 1) * rows * cols];
                for (int i = 0; i < v.length; i++) {
                    v[i] = value(random);
                }
                if (k == 0 && random.nextInt(4) != 0) {
                    symmetrize(v, rows, cols);
                }
                data[k] = copies == 0 ? Datum.shared(rows, cols, v) : Datum.batched(copies, rows, cols, v);
            }
            descriptions.add(Arrays.toString(data));
            inputs.add(() -> QpBatch.builder().Q(data[0]).p(data[1]).G(data[2]).h(data[3]).A(data[4]).b(data[5]).build());
        }
        run("qpbatch validation", inputs, descriptions::get, List.of(InvalidProblemException.class));
    }

    private static double value(Random random) {
        return switch (random.nextInt(12)) {
            case 0 -> Double.NaN;
            case 1 -> random.nextBoolean() ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
            case 2 -> random.nextBoolean() ? Double.MAX_VALUE : -Double.MAX_VALUE;
            case 3 -> 0;
            default -> random.nextGaussian();
        };
    }

    private static void symmetrize(double[] v, int rows, int cols) {
        if (rows != cols) {
            return;
        }
        for (int o = 0; o < v.length; o += rows * cols) {
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < r; c++) {
                    v[o + c * cols + r] = v[o + r * cols + c];
                }
            }
        }
    }

    // ---- the harness ----

    private void campaign(String target, List<Path> seedFiles, String extension, long salt,
                          List<Class<? extends Throwable>> allowed, FileReader reader) throws Exception {
        List<byte[]> seeds = new ArrayList<>();
        for (Path seed : seedFiles) {
            assertTrue(Files.isRegularFile(seed), "missing seed file " + seed.toAbsolutePath());
            seeds.add(Files.readAllBytes(seed));
        }
        ByteMutator mutator = new ByteMutator(seeds, SEED * 31 + salt);
        Path file = dir.resolve("mutant" + extension);
        List<byte[]> inputs = new ArrayList<>();
        List<Callable<Object>> reads = new ArrayList<>();
        // Generated lazily through the list so that the time limit also bounds generation.
        for (int t = 0; t < TRIES; t++) {
            reads.add(() -> {
                byte[] bytes = mutator.next();
                inputs.add(bytes);
                Files.write(file, bytes);
                return reader.read(file);
            });
        }
        run(target, reads, t -> extension.equals(".npz") || extension.equals(".npy")
                ? "hex " + ByteMutator.hex(inputs.get(t)) : ByteMutator.escaped(inputs.get(t)), allowed);
    }

    private interface Describer {
        String describe(int tryIndex);
    }

    /** Runs the inputs in order until all are done or the time is up; fails on the first disallowed outcome. */
    private static void run(String target, List<Callable<Object>> inputs, Describer describer,
                            List<Class<? extends Throwable>> allowed) throws InterruptedException {
        Map<String, Integer> outcomes = new TreeMap<>();
        ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fuzz " + target);
            t.setDaemon(true); // a hung read must not keep the test JVM alive
            return t;
        });
        long start = System.nanoTime(), deadline = start + TimeUnit.SECONDS.toNanos(SECONDS);
        int tries = 0;
        try {
            for (; tries < inputs.size() && System.nanoTime() < deadline; tries++) {
                Future<Object> result = worker.submit(inputs.get(tries));
                String outcome;
                try {
                    result.get(PER_TRY_SECONDS, TimeUnit.SECONDS);
                    outcome = "read";
                } catch (TimeoutException e) {
                    fail(target + ": input " + tries + " (seed " + SEED + ") took over " + PER_TRY_SECONDS + " s: "
                            + describer.describe(tries));
                    return;
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (allowed.stream().noneMatch(type -> type.isInstance(cause))) {
                        fail(target + ": input " + tries + " (seed " + SEED + ") threw " + cause + "\ninput: "
                                + describer.describe(tries) + "\n" + stackTop(cause), cause);
                    }
                    outcome = cause.getClass().getSimpleName();
                }
                outcomes.merge(outcome, 1, Integer::sum);
            }
        } finally {
            worker.shutdownNow();
        }
        Tally tally = new Tally(target, tries, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), outcomes);
        // Reported, not asserted: how many inputs fit in the time is a matter of the machine (speed lives in benchmarks).
        System.out.println(tally);
    }

    private static String stackTop(Throwable t) {
        StringWriter text = new StringWriter();
        t.printStackTrace(new PrintWriter(text));
        return text.toString().lines().limit(12).reduce((a, b) -> a + "\n" + b).orElse("");
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
