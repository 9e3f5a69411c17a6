package io.github.diffqp.examples.sudoku;

import java.util.Optional;
import java.util.Random;

/**
 * An exact Sudoku solver: depth-first backtracking over bit masks of the digits still free in
 * each row, column and box, always branching on the blank cell with the fewest candidates. That
 * choice is the constraint propagation: a cell with one candidate is filled before any guess, and
 * a cell with none ends the branch at once. It solves 9×9 puzzles in well under a millisecond.
 *
 * <p>It counts solutions up to a limit, which is how the generator checks uniqueness (a limit of
 * 2 is enough to tell "one" from "many"), and keeps the first solution found.
 */
public final class SudokuSolver {

    /**
     * What a search found.
     *
     * @param count    solutions found, never more than the limit asked for
     * @param solution the first solution found, or {@code null} when {@code count == 0}
     */
    public record Result(int count, Sudoku solution) {

        /** Whether the search found exactly one solution (meaningful with a limit of 2 or more). */
        public boolean isUnique() {
            return count == 1;
        }
    }

    private SudokuSolver() {
    }

    /**
     * Searches the completions of {@code puzzle}, stopping after {@code limit} solutions. A puzzle
     * whose clues already break a rule has none.
     */
    public static Result solve(Sudoku puzzle, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, got " + limit);
        }
        Search s = new Search(puzzle.k(), limit, null);
        if (s.place(puzzle.rawCells())) {
            s.search();
        }
        return new Result(s.count, s.first == null ? null : Sudoku.wrap(puzzle.k(), s.first));
    }

    /** A solution of {@code puzzle}, if it has one. */
    public static Optional<Sudoku> findSolution(Sudoku puzzle) {
        return Optional.ofNullable(solve(puzzle, 1).solution());
    }

    /** The number of solutions of {@code puzzle}, counted up to {@code limit}. */
    public static int countSolutions(Sudoku puzzle, int limit) {
        return solve(puzzle, limit).count();
    }

    /** Whether {@code puzzle} has exactly one solution. */
    public static boolean hasUniqueSolution(Sudoku puzzle) {
        return countSolutions(puzzle, 2) == 1;
    }

    /**
     * A random valid full board: the search of the empty board with each cell's candidates tried
     * in shuffled order. Every full board can come out, though not with exactly equal odds. The
     * same {@code random} state gives the same board.
     */
    public static Sudoku randomSolution(int k, Random random) {
        Sudoku.checkK(k);
        Search s = new Search(k, 1, random);
        s.search();
        return Sudoku.wrap(k, s.first);
    }

    /** The mutable state of one search; plain arrays because the inner loop runs millions of times. */
    private static final class Search {
        private final int size;
        private final int full;
        private final int[] cells;
        private final int[] rowOf;
        private final int[] colOf;
        private final int[] boxOf;
        private final int[] rowUsed;
        private final int[] colUsed;
        private final int[] boxUsed;
        private final int limit;
        private final Random random;
        private int count;
        private int[] first;

        Search(int k, int limit, Random random) {
            this.size = k * k;
            this.full = (1 << size) - 1;
            int n = size * size;
            this.cells = new int[n];
            this.rowOf = new int[n];
            this.colOf = new int[n];
            this.boxOf = new int[n];
            for (int i = 0; i < n; i++) {
                int r = i / size;
                int c = i % size;
                rowOf[i] = r;
                colOf[i] = c;
                boxOf[i] = (r / k) * k + c / k;
            }
            this.rowUsed = new int[size];
            this.colUsed = new int[size];
            this.boxUsed = new int[size];
            this.limit = limit;
            this.random = random;
        }

        /** Places the clues; false when two of them clash, so there is nothing to search. */
        boolean place(int[] clues) {
            for (int i = 0; i < clues.length; i++) {
                if (clues[i] == 0) {
                    continue;
                }
                int bit = 1 << (clues[i] - 1);
                if (((rowUsed[rowOf[i]] | colUsed[colOf[i]] | boxUsed[boxOf[i]]) & bit) != 0) {
                    return false;
                }
                set(i, bit);
            }
            return true;
        }

        /** Depth-first search from the current state; true once the limit is reached (stop). */
        boolean search() {
            int best = -1;
            int bestCandidates = 0;
            int bestCount = Integer.MAX_VALUE;
            for (int i = 0; i < cells.length; i++) {
                if (cells[i] != 0) {
                    continue;
                }
                int candidates = full & ~(rowUsed[rowOf[i]] | colUsed[colOf[i]] | boxUsed[boxOf[i]]);
                int cnt = Integer.bitCount(candidates);
                if (cnt < bestCount) {
                    best = i;
                    bestCandidates = candidates;
                    bestCount = cnt;
                    if (cnt <= 1) {
                        break; // forced or dead: no other cell can be a better branch
                    }
                }
            }
            if (best < 0) {
                count++;
                if (first == null) {
                    first = cells.clone();
                }
                return count >= limit;
            }
            if (random == null) {
                for (int cand = bestCandidates; cand != 0; cand &= cand - 1) {
                    int bit = cand & -cand;
                    set(best, bit);
                    if (search()) {
                        return true;
                    }
                    clear(best, bit);
                }
                return false;
            }
            return searchShuffled(best, bestCandidates, bestCount);
        }

        /** Tries the candidates of one cell in random order (used to build random full boards). */
        private boolean searchShuffled(int cell, int candidates, int cnt) {
            int[] bits = new int[cnt];
            int j = 0;
            for (int cand = candidates; cand != 0; cand &= cand - 1) {
                bits[j++] = cand & -cand;
            }
            for (int i = cnt - 1; i > 0; i--) {
                int r = random.nextInt(i + 1);
                int t = bits[i];
                bits[i] = bits[r];
                bits[r] = t;
            }
            for (int bit : bits) {
                set(cell, bit);
                if (search()) {
                    return true;
                }
                clear(cell, bit);
            }
            return false;
        }

        private void set(int i, int bit) {
            cells[i] = Integer.numberOfTrailingZeros(bit) + 1;
            rowUsed[rowOf[i]] |= bit;
            colUsed[colOf[i]] |= bit;
            boxUsed[boxOf[i]] |= bit;
        }

        private void clear(int i, int bit) {
            cells[i] = 0;
            rowUsed[rowOf[i]] &= ~bit;
            colUsed[colOf[i]] &= ~bit;
            boxUsed[boxOf[i]] &= ~bit;
        }
    }
}
