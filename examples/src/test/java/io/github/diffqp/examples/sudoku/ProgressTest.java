package io.github.diffqp.examples.sudoku;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ProgressTest {

    @Test
    void offDoesNothing() {
        try (Progress p = Progress.start("off", 10, false)) {
            assertFalse(p.isEnabled());
            p.step();
            p.stepBy(3);
            p.message("loss 0.1");
        }
    }

    @Test
    void onDrivesARealBar() {
        try (Progress p = Progress.start("on", 3, true)) {
            assertTrue(p.isEnabled());
            p.step();
            p.stepBy(2);
            p.message("done");
        }
    }
}
