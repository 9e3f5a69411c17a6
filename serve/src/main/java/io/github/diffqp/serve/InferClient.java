package io.github.diffqp.serve;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.github.diffqp.solver.Datum;
import io.github.diffqp.solver.QpBatch;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small client of the server's protocol, on the JDK's HTTP client: encodes a {@link QpBatch} as an inference
 * request and reads answers and metrics. {@code diffqp load} and the tests use it; any Open Inference Protocol
 * client works as well.
 *
 * <pre>{@code
 * InferClient client = new InferClient(URI.create("http://127.0.0.1:8000"));
 * InferClient.Answer a = client.infer("qp", InferClient.request("7", batch, null, Map.of()));
 * double[] x = a.tensor("x");
 * }</pre>
 */
public final class InferClient {
    private final URI base;
    private final HttpClient http;

    public InferClient(URI base) {
        this.base = base;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    /** An answer: its HTTP status and body (JSON, or the metrics' text), the JSON parsed once when first asked for. */
    public static final class Answer {
        private final int status;
        private final String text;
        private JsonNode json;

        public Answer(int status, String text) {
            this.status = status;
            this.text = text;
        }

        /** The HTTP status. */
        public int status() {
            return status;
        }

        /** The body. */
        public String text() {
            return text;
        }

        /** The body as JSON. */
        public synchronized JsonNode json() {
            if (json == null) {
                try {
                    json = InferRequest.MAPPER.readTree(text);
                } catch (IOException e) {
                    throw new IllegalStateException("not JSON (status " + status + "): " + text, e);
                }
            }
            return json;
        }

        /** The data of the output tensor {@code name}, as numbers; null when the answer has no such output. */
        public double[] tensor(String name) {
            JsonNode out = output(name);
            if (out == null) {
                return null;
            }
            double[] v = new double[out.get("data").size()];
            for (int k = 0; k < v.length; k++) {
                v[k] = out.get("data").get(k).doubleValue();
            }
            return v;
        }

        /** The output tensor {@code name} (name, datatype, shape, data), or null. */
        public JsonNode output(String name) {
            for (JsonNode out : json().path("outputs")) {
                if (name.equals(out.path("name").asText())) {
                    return out;
                }
            }
            return null;
        }

        /** The message of an error answer. */
        public String error() {
            return json().path("error").asText(null);
        }
    }

    /**
     * The body of an inference request for {@code batch}: each datum a tensor, with a batch axis when it is per
     * problem and without one when shared.
     *
     * @param id         echoed by the server; may be null
     * @param dlDx       {@code dl_dx} for {@code qp-grad}, stacked B×n; null for {@code qp}
     * @param parameters request parameters ({@code tolerance}, {@code max_iterations}, {@code timeout_ms})
     */
    public static byte[] request(String id, QpBatch batch, double[] dlDx, Map<String, Number> parameters) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JsonGenerator out = InferRequest.MAPPER.getFactory().createGenerator(bytes)) {
            out.writeStartObject();
            if (id != null) {
                out.writeStringField("id", id);
            }
            if (!parameters.isEmpty()) {
                out.writeObjectFieldStart("parameters");
                for (Map.Entry<String, Number> p : parameters.entrySet()) {
                    out.writeFieldName(p.getKey());
                    out.writeNumber(p.getValue().toString());
                }
                out.writeEndObject();
            }
            out.writeArrayFieldStart("inputs");
            tensor(out, "Q", batch.Q(), false);
            tensor(out, "p", batch.p(), true);
            tensor(out, "G", batch.G(), false);
            tensor(out, "h", batch.h(), true);
            tensor(out, "A", batch.A(), false);
            tensor(out, "b", batch.b(), true);
            if (dlDx != null) {
                tensor(out, "dl_dx", Datum.batchedVector(batch.size(), batch.n(), dlDx), true);
            }
            out.writeEndArray();
            out.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // writing to memory
        }
        return bytes.toByteArray();
    }

    private static void tensor(JsonGenerator out, String name, Datum d, boolean vector) throws IOException {
        if (d == null) {
            return;
        }
        int[] shape = vector ? new int[] {d.rows()} : new int[] {d.rows(), d.cols()};
        if (!d.isShared()) {
            int[] batched = new int[shape.length + 1];
            batched[0] = d.batchSize();
            System.arraycopy(shape, 0, batched, 1, shape.length);
            shape = batched;
        }
        out.writeStartObject();
        out.writeStringField("name", name);
        out.writeStringField("datatype", InferRequest.FP64);
        out.writeFieldName("shape");
        out.writeArray(shape, 0, shape.length);
        out.writeFieldName("data");
        out.writeArray(d.values(), 0, d.values().length);
        out.writeEndObject();
    }

    /** POSTs {@code body} to {@code /v2/models/{model}/infer}. */
    public Answer infer(String model, byte[] body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(base.resolve("/v2/models/" + model + "/infer"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    /** GETs {@code path} ({@code /v2/health/ready}, {@code /metrics}, ...). */
    public Answer get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET().build());
    }

    private Answer send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        return new Answer(r.statusCode(), r.body());
    }

    /**
     * The sum of the samples of {@code name} whose labels include every one of {@code labels} (written
     * {@code key="value"}), in a Prometheus text exposition.
     */
    public static double metric(String exposition, String name, String... labels) {
        Pattern line = Pattern.compile("^" + Pattern.quote(name) + "(\\{[^}]*\\})? (\\S+)$", Pattern.MULTILINE);
        Matcher m = line.matcher(exposition);
        double sum = 0;
        while (m.find()) {
            String found = m.group(1) == null ? "" : m.group(1);
            boolean all = true;
            for (String label : labels) {
                all &= found.contains(label);
            }
            if (all) {
                sum += Double.parseDouble(m.group(2));
            }
        }
        return sum;
    }
}
