/**
 * The {@code diffqp} command line and its JSON files (docs/DESIGN.md §6).
 *
 * <ul>
 *   <li>{@link io.github.diffqp.cli.ProblemFile}: a problems file, one batch object with shared or
 *       batched data, or an array of single problems, read into a
 *       {@link io.github.diffqp.solver.QpBatch} or a list of {@link io.github.diffqp.solver.QpProblem}s.</li>
 *   <li>{@link io.github.diffqp.cli.SolutionFile}: a solution file, with optional extra arrays
 *       (gradients), written atomically.</li>
 *   <li>{@link io.github.diffqp.cli.GradientFile}: a gradient file, {@code dl_dx}.</li>
 *   <li>{@link io.github.diffqp.cli.JsonFormatException}: a malformed file, with the JSON path of the
 *       first fault.</li>
 * </ul>
 */
package io.github.diffqp.cli;
