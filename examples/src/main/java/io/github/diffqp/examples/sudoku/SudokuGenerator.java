package io.github.diffqp.examples.sudoku;

import java.util.Random;

/**
 * Makes puzzles with exactly one solution, repeatably from a seed.
 *
 * <p>Each puzzle starts from a random full board ({@link SudokuSolver#randomSolution}); then its
 * cells are visited in random order and each is blanked unless that would allow a second
 * solution (checked by counting solutions up to 2). One pass leaves a <em>minimal</em> puzzle:
 * a clue kept was needed when it was tried, and blanking more cells afterwards can only add
 * solutions, so it is still needed at the end. This is how OptNet's 4×4 puzzles were made
 * (as many blanks as uniqueness allows). A floor on the clue count stops the removal earlier,
 * for easier puzzles.
 *
 * <p>All randomness comes from one {@link java.util.Random} seeded at construction, so the
 * same seed and calls give the same puzzles on every JVM.
 */
public final class SudokuGenerator {

    private final int k;
    private final int minClues;
    private final Random random;

    /** A generator of minimal puzzles (as few clues as uniqueness allows). */
    public SudokuGenerator(int k, long seed) {
        this(k, seed, 0);
    }

    /**
     * A generator that stops blanking cells when {@code minClues} remain (0: as few as
     * uniqueness allows).
     */
    public SudokuGenerator(int k, long seed, int minClues) {
        Sudoku.checkK(k);
        if (minClues < 0 || minClues > k * k * k * k) {
            throw new IllegalArgumentException(
                    "minClues must be in 0.." + k * k * k * k + ", got " + minClues);
        }
        this.k = k;
        this.minClues = minClues;
        this.random = new Random(seed);
    }

    /** Box size k. */
    public int k() {
        return k;
    }

    /** A random valid full board (advances the generator's random state). */
    public Sudoku randomSolution() {
        return SudokuSolver.randomSolution(k, random);
    }

    /** The next puzzle with its unique solution. */
    public Puzzle next() {
        Sudoku solution = randomSolution();
        int[] cells = solution.cells();
        int n = cells.length;
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int r = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[r];
            order[r] = t;
        }
        int clues = n;
        for (int i = 0; i < n && clues > minClues; i++) {
            int cell = order[i];
            int digit = cells[cell];
            cells[cell] = 0;
            // The puzzle array is reused between checks; wrap() avoids a copy per trial.
            if (SudokuSolver.countSolutions(Sudoku.wrap(k, cells), 2) > 1) {
                cells[cell] = digit;
            } else {
                clues--;
            }
        }
        return new Puzzle(Sudoku.of(k, cells), solution);
    }
}
