package io.github.diffqp.cli;

/**
 * Thrown when a JSON input file (problems or gradient) is malformed: invalid JSON, an unknown key, a
 * wrong nesting depth, a ragged array, a non-number or a non-finite number. The message is
 * {@code "<path>: <detail>"}, where the path is a JSONPath to the first fault, such as
 * {@code $.G[3][1][2]} or {@code $[4].h}; for invalid JSON the detail also gives the line and column.
 *
 * <p>Semantic faults of well-formed data (an asymmetric Q, shapes that do not agree) are reported by
 * {@link io.github.diffqp.solver.InvalidProblemException} instead.
 */
public final class JsonFormatException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String path;
    private final String detail;
    private final int line;
    private final int column;

    /** A structural fault at {@code path}. */
    public JsonFormatException(String path, String detail) {
        this(path, detail, -1, -1);
    }

    /** A syntax fault at {@code path}, at a known place in the text (1-based; -1 when unknown). */
    public JsonFormatException(String path, String detail, int line, int column) {
        super(path + ": " + detail);
        this.path = path;
        this.detail = detail;
        this.line = line;
        this.column = column;
    }

    /** The JSONPath of the first fault: {@code $} for the whole document. */
    public String path() {
        return path;
    }

    /** The message without the path. */
    public String detail() {
        return detail;
    }

    /** The 1-based line of a syntax fault, or -1 when the fault is structural. */
    public int line() {
        return line;
    }

    /** The 1-based column of a syntax fault, or -1 when the fault is structural. */
    public int column() {
        return column;
    }
}
