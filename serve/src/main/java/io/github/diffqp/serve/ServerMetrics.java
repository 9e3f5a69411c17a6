package io.github.diffqp.serve;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * The server's Prometheus metrics (docs/DESIGN.md §6.8), in a registry of its own so that two servers in one
 * JVM (tests) do not share counts:
 * <ul>
 *   <li>{@code diffqp_requests_total{model, code}}: inference requests by HTTP status;</li>
 *   <li>{@code diffqp_problems_total{model, status}}: problems answered, by solver status;</li>
 *   <li>{@code diffqp_batch_size}: problems per solved batch (its count is the number of batches);</li>
 *   <li>{@code diffqp_queue_seconds}: per problem, from acceptance until its batch began solving;</li>
 *   <li>{@code diffqp_compute_seconds}: per batch, the time solving it (and differentiating, for qp-grad);</li>
 *   <li>{@code diffqp_request_seconds{model}}: per answered request, from its body read to its answer;</li>
 *   <li>{@code diffqp_queue_depth}: problems accepted and not yet answered;</li>
 *   <li>{@code diffqp_backend_info{backend}}: the backend solving (cpu, cuda).</li>
 * </ul>
 */
final class ServerMetrics {
    private static final double[] SECONDS = {1e-4, 2.5e-4, 5e-4, 1e-3, 2.5e-3, 5e-3, 1e-2, 2.5e-2, 5e-2, 0.1, 0.25,
            0.5, 1, 2.5, 5, 10, 30};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final Counter requests;
    private final Counter problems;
    private final Histogram batchSize;
    private final Histogram queueSeconds;
    private final Histogram computeSeconds;
    private final Histogram requestSeconds;

    ServerMetrics(String backend, int maxBatch, IntSupplier queueDepth) {
        requests = Counter.builder().name("diffqp_requests_total").help("Inference requests by model and HTTP status")
                .labelNames("model", "code").register(registry);
        problems = Counter.builder().name("diffqp_problems_total").help("Problems answered by model and solver status")
                .labelNames("model", "status").register(registry);
        batchSize = Histogram.builder().name("diffqp_batch_size").help("Problems per solved batch")
                .classicOnly().classicUpperBounds(powersOfTwoUpTo(maxBatch)).register(registry);
        queueSeconds = Histogram.builder().name("diffqp_queue_seconds")
                .help("Per problem: from acceptance until its batch began solving")
                .classicOnly().classicUpperBounds(SECONDS).register(registry);
        computeSeconds = Histogram.builder().name("diffqp_compute_seconds").help("Per batch: time solving it")
                .classicOnly().classicUpperBounds(SECONDS).register(registry);
        requestSeconds = Histogram.builder().name("diffqp_request_seconds")
                .help("Per answered request: from its body read to its answer").labelNames("model")
                .classicOnly().classicUpperBounds(SECONDS).register(registry);
        GaugeWithCallback.builder().name("diffqp_queue_depth").help("Problems accepted and not yet answered")
                .callback(cb -> cb.call(queueDepth.getAsInt())).register(registry);
        Info info = Info.builder().name("diffqp_backend_info").help("The backend solving").labelNames("backend")
                .register(registry);
        info.setLabelValues(backend);
    }

    void request(String model, int code) {
        requests.labelValues(model, Integer.toString(code)).inc();
    }

    void problem(String model, String status) {
        problems.labelValues(model, status).inc();
    }

    void batch(int size, long computeNanos) {
        batchSize.observe(size);
        computeSeconds.observe(computeNanos / 1e9);
    }

    void queued(long nanos) {
        queueSeconds.observe(nanos / 1e9);
    }

    void answered(String model, long nanos) {
        requestSeconds.labelValues(model).observe(nanos / 1e9);
    }

    String contentType() {
        return PrometheusTextFormatWriter.CONTENT_TYPE;
    }

    void write(OutputStream out) throws IOException {
        writer.write(out, registry.scrape());
    }

    /** 1, 2, 4, ... and {@code max} itself. */
    private static double[] powersOfTwoUpTo(int max) {
        List<Double> bounds = new ArrayList<>();
        for (long b = 1; b < max; b *= 2) {
            bounds.add((double) b);
        }
        bounds.add((double) max);
        return bounds.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
