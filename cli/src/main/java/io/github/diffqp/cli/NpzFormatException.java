package io.github.diffqp.cli;

/**
 * Thrown when a NumPy input file ({@code .npz} problems, {@code .npy} or {@code .npz} gradient) cannot be
 * read as what it should be: not a zip archive or not an NPY array, a corrupt or truncated entry, a missing,
 * unknown or wrongly shaped array, or a dtype that is not a real number. The message is one line,
 * {@code "<file>: <detail>"}, the detail naming the array at fault where there is one, e.g.
 * {@code problems.npz: G has shape (3, 2, 5) but p says n = 4}.
 *
 * <p>Well-formed arrays that make no valid problem (an asymmetric Q, a NaN) are reported by
 * {@link io.github.diffqp.solver.InvalidProblemException}, exactly as for JSON input.
 */
public final class NpzFormatException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String array;

    /** A fault of the file as a whole (not a zip, no such array). */
    NpzFormatException(String file, String detail) {
        this(file, null, detail);
    }

    /** A fault of one array, which {@code detail} names; {@code array} is null when none is at fault. */
    NpzFormatException(String file, String array, String detail) {
        super(file + ": " + detail);
        this.array = array;
    }

    /** The name of the array at fault (Q, p, ..., dl_dx), or null for a fault of the whole file. */
    public String array() {
        return array;
    }
}
