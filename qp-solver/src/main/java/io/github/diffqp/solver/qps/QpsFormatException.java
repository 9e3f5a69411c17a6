package io.github.diffqp.solver.qps;

/**
 * Thrown when a QPS file is malformed or describes something DiffQP cannot represent. The message
 * starts with {@code source:line:}, so that a reader of a log can go straight to the offending line.
 */
public class QpsFormatException extends IllegalArgumentException {
    private final String source;
    private final int line;

    /**
     * @param source  the file name (or whatever name the caller gave the input)
     * @param line    1-based line number; for a fault found at the end of the input (a missing
     *                ENDATA), the number of the last line read
     * @param message what is wrong, without the location
     */
    public QpsFormatException(String source, int line, String message) {
        super(source + ":" + line + ": " + message);
        this.source = source;
        this.line = line;
    }

    /** The name of the input, as given to the reader. */
    public String source() {
        return source;
    }

    /** The 1-based line number of the fault. */
    public int line() {
        return line;
    }
}
