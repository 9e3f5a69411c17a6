package io.github.diffqp.examples.sudoku;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DatasetTest {

    @Test
    void hasTheAskedSizesAndUniquePuzzles() {
        Dataset d = Dataset.generate(2, 1000, 200, 3);
        assertEquals(2, d.k());
        assertEquals(3, d.seed());
        assertEquals(1000, d.train().size());
        assertEquals(200, d.test().size());
        for (Puzzle p : d.train()) {
            assertTrue(SudokuSolver.hasUniqueSolution(p.puzzle()));
        }
    }

    @Test
    void trainAndTestAreDisjointAndFreeOfRepeats() {
        Dataset d = Dataset.generate(2, 2000, 500, 17);
        Set<Sudoku> train = puzzles(d.train());
        Set<Sudoku> test = puzzles(d.test());
        assertEquals(2000, train.size());
        assertEquals(500, test.size());
        train.retainAll(test);
        assertTrue(train.isEmpty(), "puzzles in both sets: " + train);
    }

    @Test
    void theSameSeedGivesTheSameDataset() {
        Dataset a = Dataset.generate(2, 300, 50, 8);
        Dataset b = Dataset.generate(2, 300, 50, 8);
        assertEquals(a.train(), b.train());
        assertEquals(a.test(), b.test());
        Dataset c = Dataset.generate(2, 300, 50, 9);
        assertNotEquals(a.train(), c.train());
        assertNotEquals(a.test(), c.test());
        Dataset nine = Dataset.generate(3, 3, 2, 8);
        assertEquals(nine.train(), Dataset.generate(3, 3, 2, 8).train());
    }

    @Test
    void refusesWhenTooFewDistinctPuzzlesExist() {
        // A 1×1 board has a single puzzle (the blank cell); a second one cannot be found.
        assertEquals(1, Dataset.generate(1, 1, 0, 0).train().size());
        assertThrows(IllegalStateException.class, () -> Dataset.generate(1, 1, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> Dataset.generate(2, -1, 1, 0));
    }

    private static Set<Sudoku> puzzles(List<Puzzle> list) {
        Set<Sudoku> out = new HashSet<>();
        for (Puzzle p : list) {
            out.add(p.puzzle());
        }
        return out;
    }
}
