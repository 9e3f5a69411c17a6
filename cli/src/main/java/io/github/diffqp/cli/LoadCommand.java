package io.github.diffqp.cli;

import io.github.diffqp.benchmarks.Cases;
import io.github.diffqp.serve.InferClient;
import io.github.diffqp.solver.Datum;
import io.github.diffqp.solver.QpBatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code diffqp load}: a load generator for {@code diffqp serve} (or any server of the model {@code qp}). Each
 * client thread sends its requests one after another, each drawn from a pool of random problems of the given
 * shapes (the benchmarks' generator) made before the clock starts; it prints the throughput, the latency
 * percentiles, the answers by status and, from the server's metrics, the average batch size over the run.
 */
@Command(name = "load", mixinStandardHelpOptions = true, versionProvider = Version.class, sortOptions = false,
        description = {
                "Send inference requests from concurrent clients to a diffqp server and print throughput, "
                        + "latency percentiles and the server's average batch size, to size a deployment."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:the run finished (see the answers line for refused or failed requests)",
                "1:the server cannot be reached",
                "2:bad usage"})
final class LoadCommand implements Callable<Integer> {
    private static final int POOL = 64;

    @Spec
    CommandSpec spec;

    @Option(names = "--url", paramLabel = "URL", defaultValue = "http://127.0.0.1:8000",
            description = "the server (default: ${DEFAULT-VALUE})")
    URI url;

    @Option(names = "--clients", paramLabel = "N", defaultValue = "16",
            description = "concurrent clients, each waiting for its answer before its next request (default: ${DEFAULT-VALUE})")
    int clients;

    @Option(names = "--requests", paramLabel = "M", defaultValue = "200",
            description = "requests per client (default: ${DEFAULT-VALUE})")
    int requests;

    @Option(names = "--shape", paramLabel = "N,M,Q", split = ";", defaultValue = "10,5,2",
            description = "problem shape: variables, inequalities, equalities; repeat for a mix drawn at random "
                    + "(default: ${DEFAULT-VALUE})")
    List<String> shapes;

    @Option(names = "--batch", paramLabel = "B", defaultValue = "1",
            description = "problems per request (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--warmup", paramLabel = "K", defaultValue = "20",
            description = "requests per client sent before the clock starts (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--seed", paramLabel = "SEED", defaultValue = "1",
            description = "seed of the problems and of the draws (default: ${DEFAULT-VALUE})")
    long seed;

    @Override
    public Integer call() throws InterruptedException {
        if (clients < 1 || requests < 1 || batch < 1 || warmup < 0) {
            throw new ParameterException(spec.commandLine(), "--clients, --requests and --batch must be at least 1, "
                    + "--warmup at least 0");
        }
        List<byte[]> bodies = bodies();
        InferClient client = new InferClient(url);
        metrics(client); // fails early, before the warm-up, when the server cannot be reached
        run(client, bodies, warmup, new Random(seed + 1));
        String before = metrics(client);
        long start = System.nanoTime();
        Outcome outcome = run(client, bodies, requests, new Random(seed + 2));
        double seconds = (System.nanoTime() - start) / 1e9;
        String after = metrics(client);
        print(outcome, seconds, before, after);
        return ExitCodes.OK;
    }

    /** Request bodies: {@value #POOL} per shape, each of {@code batch} problems of that shape. */
    private List<byte[]> bodies() {
        List<byte[]> bodies = new ArrayList<>();
        for (int s = 0; s < shapes.size(); s++) {
            int[] nmq = parseShape(shapes.get(s));
            QpBatch all = Cases.random(POOL * batch, nmq[0], nmq[1], nmq[2], seed + s).batch();
            for (int k = 0; k < POOL; k++) {
                bodies.add(InferClient.request("load-" + s + "-" + k, slice(all, k * batch, batch), null, Map.of()));
            }
        }
        return bodies;
    }

    private int[] parseShape(String text) {
        String[] parts = text.split(",");
        try {
            int[] nmq = Arrays.stream(parts).mapToInt(p -> Integer.parseInt(p.trim())).toArray();
            if (nmq.length == 3 && nmq[0] >= 1 && nmq[1] >= 0 && nmq[2] >= 0 && nmq[2] <= nmq[0]) {
                return nmq;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ParameterException(spec.commandLine(), "--shape '" + text
                + "': expected N,M,Q (variables ≥ 1, inequalities ≥ 0, 0 ≤ equalities ≤ variables)");
    }

    /** Problems {@code from} to {@code from + count} of a batch whose data are all per problem. */
    private static QpBatch slice(QpBatch all, int from, int count) {
        QpBatch.Builder b = QpBatch.builder().Q(rows(all.Q(), from, count)).p(rows(all.p(), from, count));
        if (all.m() > 0) {
            b.G(rows(all.G(), from, count)).h(rows(all.h(), from, count));
        }
        if (all.q() > 0) {
            b.A(rows(all.A(), from, count)).b(rows(all.b(), from, count));
        }
        return b.build();
    }

    private static Datum rows(Datum d, int from, int count) {
        double[] v = Arrays.copyOfRange(d.values(), d.offset(from), d.offset(from) + count * d.stride());
        return Datum.batched(count, d.rows(), d.cols(), v);
    }

    /** Latencies (ns) and answers by HTTP status. */
    private record Outcome(long[] latencies, Map<Integer, Integer> statuses) {
    }

    private Outcome run(InferClient client, List<byte[]> bodies, int perClient, Random draws)
            throws InterruptedException {
        int[][] picks = new int[clients][perClient];
        for (int[] row : picks) {
            Arrays.setAll(row, k -> draws.nextInt(bodies.size()));
        }
        long[] latencies = new long[clients * perClient];
        int[] codes = new int[clients * perClient];
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int thread = c;
                done.add(pool.submit(() -> {
                    for (int k = 0; k < perClient; k++) {
                        long t0 = System.nanoTime();
                        codes[thread * perClient + k] = client.infer("qp", bodies.get(picks[thread][k])).status();
                        latencies[thread * perClient + k] = System.nanoTime() - t0;
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } catch (ExecutionException e) {
            throw CliException.failure("cannot reach " + url + ": " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
        Map<Integer, Integer> statuses = new TreeMap<>();
        for (int code : codes) {
            statuses.merge(code, 1, Integer::sum);
        }
        Arrays.sort(latencies);
        return new Outcome(latencies, statuses);
    }

    private String metrics(InferClient client) throws InterruptedException {
        try {
            InferClient.Answer a = client.get("/metrics");
            return a.status() == 200 ? a.text() : "";
        } catch (IOException e) {
            throw CliException.failure("cannot reach " + url + ": " + e, e);
        }
    }

    private void print(Outcome o, double seconds, String before, String after) {
        PrintWriter w = spec.commandLine().getOut();
        String row = "%-12s%s%n";
        long[] lat = o.latencies();
        int total = lat.length;
        w.printf(row, "requests", String.format(Locale.ROOT, "%d from %d clients in %.2f s: %.0f requests/s, %.0f problems/s",
                total, clients, seconds, total / seconds, total * (double) batch / seconds));
        w.printf(row, "latency", String.format("p50 %s, p90 %s, p99 %s, max %s", ms(lat, 0.50), ms(lat, 0.90),
                ms(lat, 0.99), RunSummary.duration(lat[total - 1])));
        StringBuilder answers = new StringBuilder();
        o.statuses().forEach((code, count) -> answers.append(answers.length() > 0 ? ", " : "").append(code)
                .append(": ").append(count));
        w.printf(row, "answers", answers);
        double problems = InferClient.metric(after, "diffqp_batch_size_sum") - InferClient.metric(before, "diffqp_batch_size_sum");
        double batches = InferClient.metric(after, "diffqp_batch_size_count") - InferClient.metric(before, "diffqp_batch_size_count");
        double computing = InferClient.metric(after, "diffqp_compute_seconds_sum")
                - InferClient.metric(before, "diffqp_compute_seconds_sum");
        w.printf(row, "batches", batches > 0
                ? String.format(Locale.ROOT, "%.0f solved, %.1f problems a batch on average, %s solving each "
                + "(the server's diffqp_batch_size, diffqp_compute_seconds)", batches, problems / batches,
                RunSummary.duration((long) (computing / batches * 1e9)))
                : "unknown (the server has no diffqp_batch_size metric)");
        w.flush();
    }

    private static String ms(long[] sorted, double quantile) {
        int index = (int) Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1);
        return RunSummary.duration(sorted[Math.max(0, index)]);
    }
}
