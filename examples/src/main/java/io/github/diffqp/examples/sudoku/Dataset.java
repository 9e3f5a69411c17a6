package io.github.diffqp.examples.sudoku;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Train and test puzzles for the demo, made from one seed.
 *
 * <p>Puzzles come from one {@link SudokuGenerator}; a puzzle equal to one already taken (in
 * either set) is skipped, so no puzzle appears twice and the test set holds no puzzle seen in
 * training. Solutions may repeat: a 4×4 board has only 288 solutions, so many puzzles share one.
 */
public final class Dataset {

    /** Generation gives up after this many draws per puzzle wanted, when duplicates dominate. */
    private static final int DRAWS_PER_PUZZLE = 50;

    private final int k;
    private final long seed;
    private final List<Puzzle> train;
    private final List<Puzzle> test;

    private Dataset(int k, long seed, List<Puzzle> train, List<Puzzle> test) {
        this.k = k;
        this.seed = seed;
        this.train = List.copyOf(train);
        this.test = List.copyOf(test);
    }

    /** Minimal puzzles (as few clues as uniqueness allows), as in OptNet. */
    public static Dataset generate(int k, int trainSize, int testSize, long seed) {
        return generate(k, trainSize, testSize, seed, 0);
    }

    /**
     * {@code trainSize} then {@code testSize} distinct puzzles from a generator seeded with
     * {@code seed}, keeping at least {@code minClues} clues each.
     *
     * @throws IllegalStateException when that many distinct puzzles cannot be found (asking for
     *                               more puzzles than the board size has)
     */
    public static Dataset generate(int k, int trainSize, int testSize, long seed, int minClues) {
        if (trainSize < 0 || testSize < 0) {
            throw new IllegalArgumentException(
                    "sizes must be non-negative, got " + trainSize + " and " + testSize);
        }
        SudokuGenerator generator = new SudokuGenerator(k, seed, minClues);
        Set<Sudoku> seen = new HashSet<>();
        List<Puzzle> train = draw(generator, trainSize, seen);
        List<Puzzle> test = draw(generator, testSize, seen);
        return new Dataset(k, seed, train, test);
    }

    private static List<Puzzle> draw(SudokuGenerator generator, int count, Set<Sudoku> seen) {
        List<Puzzle> out = new ArrayList<>(count);
        long budget = (long) DRAWS_PER_PUZZLE * count;
        while (out.size() < count) {
            if (budget-- <= 0) {
                throw new IllegalStateException("only " + out.size() + " of " + count
                        + " distinct puzzles found for k=" + generator.k());
            }
            Puzzle p = generator.next();
            if (seen.add(p.puzzle())) {
                out.add(p);
            }
        }
        return out;
    }

    /** Box size k. */
    public int k() {
        return k;
    }

    /** The seed the puzzles were made from. */
    public long seed() {
        return seed;
    }

    /** The training puzzles, in generation order (unmodifiable). */
    public List<Puzzle> train() {
        return train;
    }

    /** The held-out puzzles, none equal to a training puzzle (unmodifiable). */
    public List<Puzzle> test() {
        return test;
    }
}
