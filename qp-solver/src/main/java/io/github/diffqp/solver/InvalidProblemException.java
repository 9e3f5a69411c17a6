package io.github.diffqp.solver;

/**
 * Thrown before any work when a batch's data are malformed: wrong shape, NaN or infinite values, an
 * asymmetric or nonconvex Q, mismatched batch sizes, more variables than a dense solver can hold. The
 * message names the datum and, where it applies, the problem index ({@code "Q of problem 3: ..."}), or
 * the place in the input file where a reader knows it ({@code "$.Q[3]: ..."}, see {@link #at}).
 */
public class InvalidProblemException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String datum;
    private final int problem;
    private final String detail;

    public InvalidProblemException(String datum, int problem, String detail) {
        this(datum, problem, detail, datum + (problem >= 0 ? " of problem " + problem : ""));
    }

    private InvalidProblemException(String datum, int problem, String detail, String where) {
        super(where + ": " + detail);
        this.datum = datum;
        this.problem = problem;
        this.detail = detail;
    }

    /**
     * The same fault, located in the user's terms instead of by datum and index: a reader passes the path
     * of the offending value in its file, e.g. {@code $.h} or {@code $[2].Q}.
     */
    public InvalidProblemException at(String location) {
        return at(location, problem);
    }

    /** {@link #at(String)}, with the problem index the reader knows (its place in a list of problems). */
    public InvalidProblemException at(String location, int problemIndex) {
        InvalidProblemException located = new InvalidProblemException(datum, problemIndex, detail, location);
        located.initCause(this);
        return located;
    }

    /** The datum at fault: "Q", "p", "G", "h", "A", "b", "c0" or "batch". */
    public String datum() {
        return datum;
    }

    /** The problem index at fault, or -1 when the fault is not one problem's (a shape, a shared datum). */
    public int problem() {
        return problem;
    }

    /** What is wrong, without the datum or place. */
    public String detail() {
        return detail;
    }
}
