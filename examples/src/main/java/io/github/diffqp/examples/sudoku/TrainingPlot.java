package io.github.diffqp.examples.sudoku;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;

/**
 * The demo's training curves as a PNG line chart (XChart): the training loss on the left axis,
 * test error and exact-solve percentages on a 0–100 right axis, against the epoch (1, 2, ...).
 * Drawing needs no display: the JVM is put in headless mode unless told otherwise.
 */
public final class TrainingPlot {

    /** Default image width in pixels. */
    public static final int DEFAULT_WIDTH = 800;
    /** Default image height in pixels. */
    public static final int DEFAULT_HEIGHT = 500;

    static {
        // Must be decided before the first AWT class loads; respect an explicit user choice.
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private TrainingPlot() {
    }

    /** Writes the chart, titled "Sudoku training", at the default size. */
    public static void write(Path file, double[] trainLoss, double[] testErrorPercent,
                             double[] exactPercent) throws IOException {
        write(file, "Sudoku training", trainLoss, testErrorPercent, exactPercent,
                DEFAULT_WIDTH, DEFAULT_HEIGHT);
    }

    /**
     * Writes the chart as a PNG to exactly {@code file} (no suffix is added). Each series holds
     * one value per epoch; a {@code null} or empty series is left out, but not all three. NaN
     * values are drawn as gaps.
     */
    public static void write(Path file, String title, double[] trainLoss,
                             double[] testErrorPercent, double[] exactPercent, int width,
                             int height) throws IOException {
        if (isEmpty(trainLoss) && isEmpty(testErrorPercent) && isEmpty(exactPercent)) {
            throw new IllegalArgumentException("nothing to plot: all three series are empty");
        }
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("bad image size " + width + " × " + height);
        }
        XYChart chart = new XYChartBuilder().width(width).height(height).title(title)
                .xAxisTitle("epoch").yAxisTitle("train loss").build();
        // Below the plot area: inside it the legend would hide curves, which end top right.
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        chart.getStyler().setMarkerSize(4);
        chart.getStyler().setXAxisDecimalPattern("#");
        add(chart, "train loss", trainLoss, 0);
        add(chart, "test error %", testErrorPercent, 1);
        add(chart, "exact %", exactPercent, 1);
        if (!isEmpty(testErrorPercent) || !isEmpty(exactPercent)) {
            chart.setYAxisGroupTitle(1, "%");
            chart.getStyler().setYAxisGroupPosition(1, Styler.YAxisPosition.Right);
            chart.getStyler().setYAxisMin(1, 0.0);
            chart.getStyler().setYAxisMax(1, 100.0);
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        // The OutputStream overload writes to the given path; the String one appends ".png".
        try (OutputStream out = Files.newOutputStream(file)) {
            BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
        }
    }

    private static void add(XYChart chart, String name, double[] values, int axisGroup) {
        if (isEmpty(values)) {
            return;
        }
        double[] epochs = new double[values.length];
        for (int i = 0; i < epochs.length; i++) {
            epochs[i] = i + 1;
        }
        XYSeries series = chart.addSeries(name, epochs, values);
        series.setYAxisGroup(axisGroup);
    }

    private static boolean isEmpty(double[] values) {
        return values == null || values.length == 0;
    }
}
