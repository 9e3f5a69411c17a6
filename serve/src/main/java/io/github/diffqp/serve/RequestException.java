package io.github.diffqp.serve;

/**
 * A request the server answers with an error status and {@code {"error": message}}: the message is one line
 * for the client, never a stack trace (docs/DESIGN.md §6.8).
 */
public final class RequestException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;

    RequestException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    /** 400: malformed JSON, a tensor of the wrong name, datatype or shape, an invalid problem. */
    static RequestException badRequest(String message) {
        return new RequestException(400, message);
    }

    /** 404: no such model or path. */
    static RequestException notFound(String message) {
        return new RequestException(404, message);
    }

    /** 413: the body or the batch exceeds the server's limits. */
    static RequestException tooLarge(String message) {
        return new RequestException(413, message);
    }

    /** 503: the queue is full or the server is draining; the client may retry later. */
    static RequestException unavailable(String message) {
        return new RequestException(503, message);
    }

    /** 504: the request's timeout passed before its problems were solved. */
    static RequestException timedOut(String message) {
        return new RequestException(504, message);
    }

    /** 500: the server failed (a bug, or a backend fault); the message names the exception, never its trace. */
    static RequestException internal(String message) {
        return new RequestException(500, message);
    }

    /** The HTTP status. */
    public int status() {
        return status;
    }
}
