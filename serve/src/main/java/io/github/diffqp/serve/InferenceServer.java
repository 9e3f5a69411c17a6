package io.github.diffqp.serve;

import com.fasterxml.jackson.core.JsonGenerator;
import io.github.diffqp.solver.QpBatch;
import io.github.diffqp.solver.QpSolution;
import io.github.diffqp.solver.QpSolver;
import io.github.diffqp.solver.SolverOptions;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Properties;
import java.util.function.BiFunction;

/**
 * {@code diffqp serve}: an HTTP server speaking the Open Inference Protocol (KServe V2 REST, as NVIDIA Triton's
 * HTTP API) for the models {@code qp} and {@code qp-grad} (see {@link QpModel}), with Prometheus metrics at
 * {@code /metrics} (docs/DESIGN.md §6.8).
 *
 * <pre>{@code
 * try (InferenceServer server = InferenceServer.start(ServerSettings.defaults().withPort(0))) {
 *     URI base = server.uri();                  // http://127.0.0.1:<port>
 *     ...
 * }                                             // close() drains: accepted requests finish, new ones get 503
 * }</pre>
 *
 * Every answer is JSON; an error is {@code {"error": "..."}} with its status (400 malformed, 404 unknown model or
 * path, 405 wrong method, 413 too large, 503 queue full or draining, 504 past the request's timeout, 500 a
 * server fault) and never carries a stack trace.
 */
public final class InferenceServer implements AutoCloseable {
    private static final String JSON = "application/json";
    /** The most bytes of a refused body read and dropped before the connection is simply closed. */
    private static final long DISCARD_LIMIT = 256L << 20;

    private final ServerSettings settings;
    private final InferenceEngine engine;
    private final Server jetty;
    private final ServerConnector connector;
    private final Object lock = new Object();
    private boolean draining; // guarded by lock
    private int inFlight;     // inference requests accepted and not yet answered on the wire; guarded by lock
    /** The request attribute that marks an inference request counted in {@link #inFlight}. */
    private static final String IN_FLIGHT = "io.github.diffqp.serve.inFlight";
    private boolean stopped;  // guarded by lock

    private InferenceServer(ServerSettings settings, BiFunction<QpBatch, SolverOptions, QpSolution> solver) {
        this.settings = settings;
        this.engine = new InferenceEngine(settings, solver);
        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName("diffqp-serve-http");
        threads.setDaemon(true);
        this.jetty = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        this.connector = new ServerConnector(jetty, new HttpConnectionFactory(http));
        connector.setHost(settings.host());
        connector.setPort(settings.port());
        jetty.addConnector(connector);
        ErrorHandler errors = new ErrorHandler();
        errors.setShowStacks(false); // for faults Jetty answers itself (a bad request line, say)
        jetty.setErrorHandler(errors);
        jetty.setHandler(new Routes());
    }

    /**
     * Starts a server (port 0 picks a free one: see {@link #port()}).
     *
     * @throws io.github.diffqp.solver.backend.BackendUnavailableException when the backend cannot run here
     * @throws IOException           when the address cannot be bound
     */
    public static InferenceServer start(ServerSettings settings) throws IOException {
        return start(settings, QpSolver::solve);
    }

    /** A server whose micro-batchers solve with {@code solver}: tests hold batches back with it. */
    static InferenceServer start(ServerSettings settings, BiFunction<QpBatch, SolverOptions, QpSolution> solver)
            throws IOException {
        InferenceServer server = new InferenceServer(settings, solver);
        try {
            server.jetty.start();
        } catch (IOException e) {
            server.engine.close();
            throw e;
        } catch (Exception e) {
            server.engine.close();
            throw new IOException("cannot start the server on " + settings.host() + ":" + settings.port() + ": " + e, e);
        }
        return server;
    }

    /** The port listened on. */
    public int port() {
        return connector.getLocalPort();
    }

    /** {@code http://host:port}. */
    public URI uri() {
        String host = settings.host().contains(":") ? "[" + settings.host() + "]" : settings.host();
        return URI.create("http://" + host + ":" + port());
    }

    /** The backend solving: cpu, cuda. */
    public String backend() {
        return engine.backend();
    }

    /** Whether the server takes inference requests: true from the start until it begins to drain. */
    public boolean ready() {
        synchronized (lock) {
            return !draining;
        }
    }

    /**
     * Drains and stops: readiness turns false, new inference requests get 503, the accepted ones are answered
     * (waiting at most {@code grace}), then the listener closes. Idempotent.
     */
    public void drain(Duration grace) {
        long deadline = System.nanoTime() + grace.toNanos();
        synchronized (lock) {
            if (stopped) {
                return;
            }
            draining = true;
            boolean interrupted = false;
            while (inFlight > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                try {
                    lock.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            stopped = true;
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        engine.close();
        try {
            jetty.stop();
        } catch (Exception e) {
            throw new IllegalStateException("stopping the HTTP server failed: " + e, e);
        }
    }

    /** Waits until the server has stopped (after {@link #drain}). */
    public void join() throws InterruptedException {
        jetty.join();
    }

    /** {@link #drain} with the default timeout as the grace period. */
    @Override
    public void close() {
        drain(settings.defaultTimeout());
    }

    /** The server's version (Maven writes it into version.properties). */
    static String version() {
        try (InputStream in = InferenceServer.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                Properties props = new Properties();
                props.load(in);
                String v = props.getProperty("version");
                if (v != null && !v.startsWith("${")) {
                    return v;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return "unknown";
    }

    // ---- answering

    /** A response: its status, content type and body. */
    private record Reply(int status, String contentType, byte[] body) {
        static Reply json(int status, JsonBody body) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (JsonGenerator out = InferRequest.MAPPER.getFactory().createGenerator(bytes)) {
                body.writeTo(out);
            } catch (IOException e) {
                throw new UncheckedIOException(e); // writing to memory
            }
            return new Reply(status, JSON, bytes.toByteArray());
        }

        static Reply error(int status, String message) {
            return json(status, out -> {
                out.writeStartObject();
                out.writeStringField("error", message);
                out.writeEndObject();
            });
        }
    }

    private interface JsonBody {
        void writeTo(JsonGenerator out) throws IOException;
    }

    /** The protocol's endpoints. Handlers block while their problems are solved; Jetty's pool has threads for that. */
    private final class Routes extends Handler.Abstract {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            Reply reply;
            try {
                reply = route(request.getMethod(), Request.getPathInContext(request), request);
            } catch (RequestException e) {
                reply = Reply.error(e.status(), e.getMessage());
            } catch (RuntimeException e) {
                // A bug: its trace goes to the server's log, the client gets one line.
                System.err.println("diffqp serve: internal error answering " + request.getMethod() + " "
                        + Request.getPathInContext(request) + ":");
                e.printStackTrace();
                reply = Reply.error(500, "internal error: " + e.getClass().getSimpleName());
            }
            response.setStatus(reply.status());
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, reply.contentType());
            // An accepted inference request counts as in flight until its answer is written, not merely made:
            // a drain that stopped Jetty in between would cut the answer off.
            boolean counted = request.getAttribute(IN_FLIGHT) != null;
            response.write(true, ByteBuffer.wrap(reply.body()), counted ? Callback.from(callback, this::leave) : callback);
            return true;
        }

        private void leave() {
            synchronized (lock) {
                inFlight--;
                lock.notifyAll();
            }
        }

        private Reply route(String method, String path, Request request) {
            String[] parts = path.split("/", -1); // "", "v2", ...
            if (path.equals("/metrics")) {
                requireGet(method, path);
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                try {
                    engine.metrics().write(bytes);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                return new Reply(200, engine.metrics().contentType(), bytes.toByteArray());
            }
            if (parts.length < 2 || !parts[1].equals("v2")) {
                throw RequestException.notFound("no such endpoint: " + path);
            }
            if (parts.length == 2) {
                requireGet(method, path);
                return Reply.json(200, out -> {
                    out.writeStartObject();
                    out.writeStringField("name", "diffqp");
                    out.writeStringField("version", version());
                    out.writeArrayFieldStart("extensions");
                    out.writeEndArray();
                    out.writeEndObject();
                });
            }
            if (parts.length == 4 && parts[2].equals("health") && (parts[3].equals("live") || parts[3].equals("ready"))) {
                requireGet(method, path);
                boolean ok = parts[3].equals("live") || ready();
                return Reply.json(ok ? 200 : 503, out -> {
                    out.writeStartObject();
                    out.writeBooleanField(parts[3], ok);
                    out.writeEndObject();
                });
            }
            if (parts.length >= 4 && parts.length <= 5 && parts[2].equals("models")) {
                QpModel model = QpModel.named(parts[3]);
                if (model == null) {
                    throw RequestException.notFound("no model named '" + parts[3] + "' (models: qp, qp-grad)");
                }
                if (parts.length == 4) {
                    requireGet(method, path);
                    return Reply.json(200, out -> model.writeMetadata(out, engine.backend()));
                }
                switch (parts[4]) {
                    case "ready" -> {
                        requireGet(method, path);
                        boolean ok = ready();
                        return Reply.json(ok ? 200 : 503, out -> {
                            out.writeStartObject();
                            out.writeStringField("name", model.modelName());
                            out.writeBooleanField("ready", ok);
                            out.writeEndObject();
                        });
                    }
                    case "infer" -> {
                        if (!method.equals("POST")) {
                            throw new RequestException(405, path + " takes POST, not " + method);
                        }
                        return infer(model, request);
                    }
                    default -> {
                        // falls through to not found
                    }
                }
            }
            throw RequestException.notFound("no such endpoint: " + path);
        }

        private Reply infer(QpModel model, Request request) {
            long received = System.nanoTime();
            int code = 500;
            try {
                synchronized (lock) {
                    if (draining) {
                        code = 503;
                        throw RequestException.unavailable("the server is draining; send to another replica");
                    }
                    inFlight++;
                    request.setAttribute(IN_FLIGHT, Boolean.TRUE); // left when the answer is written (handle)
                }
                InferRequest parsed = InferRequest.parse(body(request));
                QpBatch batch = model.batch(parsed);
                SolverOptions options = engine.options(parsed);
                long timeout = parsed.timeoutMillis() != null ? parsed.timeoutMillis() * 1_000_000
                        : settings.defaultTimeout().toNanos();
                long deadline = received + timeout;
                Reply reply;
                QpSolution solution;
                if (model == QpModel.QP) {
                    solution = engine.solve(batch, options, deadline);
                    QpSolution s = solution;
                    reply = Reply.json(200, out -> model.writeResponse(out, parsed, s, null));
                } else {
                    double[] dlDx = model.lossGradient(parsed, batch);
                    InferenceEngine.Differentiated d = engine.solveAndDifferentiate(batch, dlDx, options, deadline);
                    solution = d.solution();
                    reply = Reply.json(200, out -> model.writeResponse(out, parsed, d.solution(), d.gradients()));
                }
                for (int i = 0; i < solution.size(); i++) {
                    engine.metrics().problem(model.modelName(), solution.status(i).label());
                }
                engine.metrics().answered(model.modelName(), System.nanoTime() - received);
                code = 200;
                return reply;
            } catch (RequestException e) {
                code = e.status();
                throw e;
            } finally {
                engine.metrics().request(model.modelName(), code);
            }
        }

        /**
         * The body, refused (413) past the size limit. The rest of a refused body is read and dropped (up to
         * {@link #DISCARD_LIMIT}) rather than left unread: closing a connection with unread data resets it, and a
         * client still sending would lose the answer.
         */
        private byte[] body(Request request) {
            long limit = settings.maxRequestBytes();
            long declared = request.getLength();
            try (InputStream in = Content.Source.asInputStream(request)) {
                if (declared > limit) {
                    in.skipNBytes(Math.min(declared, DISCARD_LIMIT));
                    throw tooLarge(declared, limit);
                }
                byte[] bytes = in.readNBytes((int) Math.min(limit + 1, Integer.MAX_VALUE - 8));
                if (bytes.length > limit) {
                    discard(in);
                    throw tooLarge(-1, limit);
                }
                return bytes;
            } catch (IOException e) {
                throw RequestException.badRequest("reading the body failed: " + e.getMessage());
            }
        }

        private void discard(InputStream in) throws IOException {
            byte[] sink = new byte[8192];
            long dropped = 0;
            int read;
            while (dropped < DISCARD_LIMIT && (read = in.read(sink)) >= 0) {
                dropped += read;
            }
        }

        private RequestException tooLarge(long declared, long limit) {
            return RequestException.tooLarge("the body " + (declared >= 0 ? "(" + declared + " bytes) " : "")
                    + "exceeds the limit of " + limit + " bytes (--max-request-bytes)");
        }

        private void requireGet(String method, String path) {
            if (!method.equals("GET")) {
                throw new RequestException(405, path + " takes GET, not " + method);
            }
        }
    }
}
