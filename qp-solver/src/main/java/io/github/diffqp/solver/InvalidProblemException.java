package io.github.diffqp.solver;

/**
 * Thrown before any work when a batch's data are malformed: wrong shape, NaN or infinite values, an
 * asymmetric Q, mismatched batch sizes. The message names the datum and, where it applies, the
 * problem index.
 */
public class InvalidProblemException extends IllegalArgumentException {
    private final String datum;
    private final int problem;

    public InvalidProblemException(String datum, int problem, String message) {
        super(datum + (problem >= 0 ? " of problem " + problem : "") + ": " + message);
        this.datum = datum;
        this.problem = problem;
    }

    /** The datum at fault: "Q", "p", "G", "h", "A", "b" or "batch". */
    public String datum() {
        return datum;
    }

    /** The problem index at fault, or -1 when the fault is not one problem's (a shape, a shared datum). */
    public int problem() {
        return problem;
    }
}
