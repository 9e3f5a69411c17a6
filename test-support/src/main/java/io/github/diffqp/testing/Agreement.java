package io.github.diffqp.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Agreement of two answers relative to the expected one's size, the measure the modules' tests share:
 * {@code ‖actual − expected‖∞ ≤ relative · max(1, ‖expected‖∞)}. The 1 keeps entries near zero from
 * demanding more digits than the large ones carry. A NaN on either side never agrees.
 */
public final class Agreement {
    private Agreement() {
    }

    /** Fails, naming the first entry out of bounds, unless {@code actual} agrees with {@code expected}. */
    public static void assertClose(double[] expected, double[] actual, double relative, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        double scale = 1;
        for (double e : expected) {
            scale = Math.max(scale, Math.abs(e)); // Math.max keeps a NaN: then nothing agrees
        }
        for (int k = 0; k < expected.length; k++) {
            double difference = Math.abs(expected[k] - actual[k]);
            if (!(difference <= relative * scale)) {
                fail(what + "[" + k + "]: expected " + expected[k] + ", got " + actual[k] + " (difference "
                        + difference + ", allowed " + relative * scale + ")");
            }
        }
    }

    /** One number, e.g. an objective: {@code |actual − expected| ≤ relative · max(1, |expected|)}. */
    public static void assertClose(double expected, double actual, double relative, String what) {
        assertClose(new double[] {expected}, new double[] {actual}, relative, what);
    }
}
