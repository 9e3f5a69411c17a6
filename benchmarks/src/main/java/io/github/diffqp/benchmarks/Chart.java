package io.github.diffqp.benchmarks;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.CategoryStyler;
import org.knowm.xchart.style.Styler;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The comparison as a PNG bar chart (XChart): one group of bars per case, one bar per solver and backend
 * for the forward (and one for DiffQP's backward), the time per batch on a logarithmic axis since the
 * cases span microseconds to seconds. Drawing needs no display: the JVM is put in headless mode unless
 * told otherwise.
 */
public final class Chart {
    /** Image width in pixels. */
    public static final int WIDTH = 1100;
    /** Image height in pixels. */
    public static final int HEIGHT = 600;

    static {
        // Must be decided before the first AWT class loads; respect an explicit user choice.
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private Chart() {
    }

    /** Writes the chart of {@code rows} as a PNG to exactly {@code file}. */
    public static void write(List<Row> rows, Path file) throws IOException {
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("nothing to plot: no rows");
        }
        List<String> cases = new ArrayList<>();
        // series name → case → seconds; every series gets every case so that the bars line up
        Map<String, Map<String, Double>> series = new LinkedHashMap<>();
        for (Row r : rows) {
            if (!cases.contains(r.caseName())) {
                cases.add(r.caseName());
            }
            String name = r.solver().equals(Comparison.DIFFQP) ? "DiffQP " + r.backend() : "ojAlgo";
            series.computeIfAbsent(name + " forward", k -> new LinkedHashMap<>()).put(r.caseName(), r.secondsPerBatch());
            if (!Double.isNaN(r.backwardSeconds())) {
                series.computeIfAbsent(name + " backward", k -> new LinkedHashMap<>())
                        .put(r.caseName(), r.backwardSeconds());
            }
        }
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
                .title("Time per batch (median; lower is better)").xAxisTitle("case").yAxisTitle("seconds per batch")
                .build();
        CategoryStyler st = chart.getStyler();
        st.setLegendPosition(Styler.LegendPosition.OutsideS);
        st.setLegendLayout(Styler.LegendLayout.Horizontal);
        st.setYAxisLogarithmic(true);
        st.setXAxisLabelRotation(20);
        st.setYAxisDecimalPattern("0.###E0");
        double smallest = rows.stream().flatMapToDouble(r -> java.util.stream.DoubleStream.of(r.secondsPerBatch(),
                r.backwardSeconds())).filter(v -> v > 0).min().orElse(1e-6);
        double floor = Math.pow(10, Math.floor(Math.log10(smallest)));
        // A bar chart starts its axis at 0 unless told otherwise, which a log axis cannot show.
        st.setYAxisMin(floor);
        for (Map.Entry<String, Map<String, Double>> e : series.entrySet()) {
            List<Double> values = new ArrayList<>();
            for (String c : cases) {
                Double v = e.getValue().get(c);
                // A log axis cannot draw 0 or a gap; a missing bar is drawn as the axis floor.
                values.add(v == null || !(v > 0) ? floor : v);
            }
            chart.addSeries(e.getKey(), cases, values);
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        // Drawn in memory first, so that a failure leaves no half-written image behind.
        byte[] png = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        // Named by hand: Files.createTempFile's owner-only permissions would stay with the image.
        Path temp = file.toAbsolutePath().resolveSibling("." + file.getFileName() + "." + System.nanoTime() + ".tmp");
        try {
            Files.write(temp, png, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
