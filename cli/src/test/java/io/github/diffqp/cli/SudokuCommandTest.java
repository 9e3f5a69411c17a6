package io.github.diffqp.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SudokuCommandTest {
    private static final Pattern RESULT = Pattern.compile(
            "result: exact=(\\d+\\.\\d)% error=(\\d+\\.\\d)% epochs=(\\d+) seconds=(\\d+) backend=(\\w+)");

    @Test
    void shortRunReportsEpochsPlotBoardAndAMachineReadableLastLine(@TempDir Path dir) throws Exception {
        StringWriter out = new StringWriter(), err = new StringWriter();
        Path plot = dir.resolve("plot.png");
        int code = Main.run(new PrintWriter(out), new PrintWriter(err), "sudoku", "--train", "300", "--test", "40",
                "--epochs", "2", "--backend", "cpu", "--no-progress", "--plot", plot.toString());
        assertEquals(0, code, err.toString());
        String[] lines = out.toString().strip().split("\\R");
        Matcher m = RESULT.matcher(lines[lines.length - 1]);
        assertTrue(m.matches(), "last line: " + lines[lines.length - 1]);
        assertEquals("2", m.group(3));
        assertEquals("cpu", m.group(5));
        double exact = Double.parseDouble(m.group(1)), error = Double.parseDouble(m.group(2));
        assertTrue(exact + error <= 100.0 + 1e-9, "an exact board breaks no rule");
        assertTrue(out.toString().contains("epoch 1: train loss"));
        assertTrue(out.toString().contains("epoch 2: train loss"));
        assertTrue(out.toString().contains("learned A·x = b on the true test solutions"));
        assertNotNull(ImageIO.read(plot.toFile()), "the plot is a PNG");
    }

    @Test
    void badSettingsAreUsageErrors() {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.run(new PrintWriter(out), new PrintWriter(err), "sudoku", "--box", "4");
        assertEquals(ExitCodes.USAGE, code);
        assertTrue(err.toString().contains("box size k must be 2 (4×4) or 3 (9×9), got 4"), err.toString());
    }
}
