package io.github.diffqp.examples.sudoku;

import io.github.diffqp.solver.SolverOptions;
import org.junit.jupiter.api.Test;

import java.io.PrintStream;
import java.io.ByteArrayOutputStream;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SudokuTrainingTest {

    /**
     * A short run (60 Adam steps) must leave chance far behind: a random A solves no held-out puzzle
     * (100% error, checked before training), the trained one solves a sizeable share exactly.
     */
    @Test
    void shortTrainingLearnsFarBeyondChance() {
        SudokuTraining.Config config = new SudokuTraining.Config(2, 3000, 300, 3, 150, 0.1, 0.1, true, 7,
                SolverOptions.defaults().withBackend("cpu"));
        SudokuTraining training = new SudokuTraining(config);
        Score before = training.evaluate(training.dataset().test());
        assertEquals(1.0, before.errorRate(), "an untrained layer breaks the rules on every board");
        double residualBefore = relativeResidual(training);
        List<SudokuTraining.Epoch> epochs = training.run(new PrintStream(new ByteArrayOutputStream()), false);
        SudokuTraining.Epoch first = epochs.get(0), last = epochs.get(epochs.size() - 1);
        assertTrue(last.trainLoss() < 0.5 * first.trainLoss(), "loss " + first.trainLoss() + " → " + last.trainLoss());
        assertTrue(last.testExact() >= 0.15, "exact share " + last.testExact());
        assertTrue(last.testError() <= 0.85, "error " + last.testError());
        // The learned constraints hold on true solutions far better than the random ones did.
        double residualAfter = relativeResidual(training);
        assertTrue(residualAfter < 0.5 * residualBefore, "relative residual " + residualBefore + " → " + residualAfter);
    }

    /** rms of A·x − b over the true test solutions, relative to the rms of b. */
    private static double relativeResidual(SudokuTraining training) {
        double[] b = training.rightHandSide();
        double scale = 0;
        for (double v : b) {
            scale += v * v;
        }
        SudokuConstraints.Residual r = SudokuConstraints.constraintResidual(training.constraints(), b,
                training.constraintRows(), training.dataset().test().stream().map(Puzzle::solution).toList());
        return r.rms() / Math.sqrt(scale / b.length);
    }
}
