package io.github.diffqp.benchmarks;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The timer's bookkeeping; no assertion here depends on how fast anything runs. */
class TimerTest {
    @Test
    void runsWarmUpsThenAtLeastTheRepeatsAndReportsEachPhase() {
        AtomicInteger calls = new AtomicInteger();
        Timer.Result r = new Timer(new Timer.Settings(2, 5, 0, 60)).time(2, sw -> {
            calls.incrementAndGet();
            sw.lap();
            sw.lap();
        });
        assertEquals(5, r.runs());
        assertEquals(2 + 5, calls.get());
        assertEquals(2, r.seconds().length);
        assertTrue(r.seconds(0) >= 0 && r.seconds(1) >= 0);
    }

    @Test
    void allocationIsCountedPerPhase() {
        Timer.Result r = new Timer(new Timer.Settings(0, 3, 0, 60)).time(2, sw -> {
            sw.lap();
            byte[][] big = new byte[16][];
            for (int k = 0; k < big.length; k++) {
                big[k] = new byte[1 << 20];
            }
            sw.lap();
            if (big[3].length == 0) {
                throw new AssertionError(); // keeps the arrays alive past the lap
            }
        });
        if (!Double.isNaN(r.bytes(1))) { // NaN where the JVM cannot count
            assertTrue(r.bytes(1) >= 16 << 20, "16 MiB allocated in phase 1: " + r.bytes(1));
            assertTrue(r.bytes(0) < r.bytes(1));
        }
    }

    @Test
    void aTaskThatMarksTheWrongNumberOfPhasesIsAnError() {
        Timer t = new Timer(new Timer.Settings(0, 1, 0, 60));
        assertThrows(IllegalStateException.class, () -> t.time(2, Timer.Stopwatch::lap));
    }

    @Test
    void medianOfOddAndEvenCounts() {
        assertEquals(2, Timer.median(new double[] {3, 1, 2, 99}, 3));
        assertEquals(2.5, Timer.median(new double[] {4, 1, 2, 3}, 4));
        assertTrue(Double.isNaN(Timer.median(new double[] {1, Double.NaN}, 2)));
    }

    @Test
    void settingsAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> new Timer.Settings(-1, 1, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new Timer.Settings(0, 0, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new Timer.Settings(0, 1, 0, 0));
    }
}
