package io.github.diffqp.examples.sudoku;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingPlotTest {

    @TempDir
    Path dir;

    @Test
    void writesAReadablePngOfTheAskedSize() throws Exception {
        Path file = dir.resolve("plots/training.png");
        double[] loss = {0.09, 0.05, 0.03, 0.02, 0.015};
        double[] error = {80, 55, 30, 12, 5};
        double[] exact = {5, 30, 60, 85, 95};
        TrainingPlot.write(file, "test run", loss, error, exact, 640, 400);
        assertTrue(Files.size(file) > 0);
        BufferedImage img = ImageIO.read(file.toFile());
        assertNotNull(img, "ImageIO could not read the file");
        assertEquals(640, img.getWidth());
        assertEquals(400, img.getHeight());
    }

    @Test
    void leavesOutMissingSeriesAndDrawsGaps() throws Exception {
        Path file = dir.resolve("loss-only.png");
        TrainingPlot.write(file, new double[] {1.0, Double.NaN, 0.5}, null, new double[0]);
        BufferedImage img = ImageIO.read(file.toFile());
        assertEquals(TrainingPlot.DEFAULT_WIDTH, img.getWidth());
    }

    @Test
    void refusesAnEmptyChart() {
        assertThrows(IllegalArgumentException.class,
                () -> TrainingPlot.write(dir.resolve("x.png"), null, new double[0], null));
    }
}
