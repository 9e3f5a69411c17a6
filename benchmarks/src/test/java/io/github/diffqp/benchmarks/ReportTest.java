package io.github.diffqp.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReportTest {
    /** The keys the issue documents for {@code --json}. */
    private static final List<String> DOCUMENTED = List.of("case", "solver", "backend", "seconds_per_batch",
            "ratio_to_diffqp", "max_abs_dx", "max_rel_dgrad");

    private static List<Row> rows() {
        Row diffqp = new Row("sudoku-b2", 2, 64, 64, 40, "diffqp", "cpu", 0.004, 0.0002, Double.NaN, Double.NaN,
                0.7, 0.2, 2, 9, Double.NaN, 3e-6, 9, 2, 2.5, 0.05);
        Row oj = new Row("sudoku-b2", 2, 64, 64, 40, "ojalgo", "cpu, 2 threads", 0.2, Double.NaN, Double.NaN,
                Double.NaN, 40, Double.NaN, 1, Double.NaN, 4e-7, Double.NaN, 3, 1, Double.NaN, Double.NaN);
        return Comparison.withRatios(List.of(diffqp, oj));
    }

    @Test
    void ratiosAreToTheFirstDiffqpRowAndTheFastest() {
        List<Row> rows = rows();
        assertEquals(1, rows.get(0).ratioToDiffqp());
        assertEquals(50, rows.get(1).ratioToDiffqp(), 1e-9);
        assertEquals(50, rows.get(1).ratioToFastest(), 1e-9);
    }

    @Test
    void jsonHasOneObjectPerRowWithTheDocumentedKeysAndNullForWhatDoesNotApply() throws Exception {
        JsonNode root = new ObjectMapper().readTree(Report.json(rows()));
        assertTrue(root.isArray());
        assertEquals(2, root.size());
        for (JsonNode row : root) {
            List<String> keys = new ArrayList<>();
            row.fieldNames().forEachRemaining(keys::add);
            assertEquals(Report.JSON_KEYS, keys);
            assertEquals(DOCUMENTED, keys.subList(0, DOCUMENTED.size()), "documented keys first");
        }
        JsonNode diffqp = root.get(0), oj = root.get(1);
        assertEquals("sudoku-b2", diffqp.get("case").asText());
        assertEquals("diffqp", diffqp.get("solver").asText());
        assertEquals(0.004, diffqp.get("seconds_per_batch").asDouble());
        assertTrue(diffqp.get("max_abs_dx").isNull(), "the reference row has no difference to itself");
        assertEquals(3e-6, diffqp.get("max_rel_dgrad").asDouble());
        assertTrue(oj.get("max_rel_dgrad").isNull(), "ojAlgo has no gradients");
        assertTrue(oj.get("backward_seconds_per_batch").isNull());
        assertTrue(oj.get("max_iterations").isNull());
        assertEquals(50, oj.get("ratio_to_diffqp").asDouble(), 1e-9);
        assertEquals(1, oj.get("problems_timed").asInt());
    }

    @Test
    void markdownHasTheMachineCommandTableAndLegend() {
        String md = Report.markdown(rows(), "test machine", "diffqp bench --quick");
        assertTrue(md.contains("Machine: test machine"), md);
        assertTrue(md.contains("`diffqp bench --quick`"), md);
        List<String> tableLines = md.lines().filter(l -> l.startsWith("|")).toList();
        assertEquals(2 + 2, tableLines.size(), md); // header, rule, two rows
        assertTrue(tableLines.get(0).contains("max rel Δgrad"), md);
        assertTrue(tableLines.get(3).contains("1/1 of 2*"), "a capped ojAlgo row says so: " + md);
        assertTrue(md.contains("max |Δx|") || md.contains("max \\|Δx\\|"), md);
        assertTrue(md.contains("finite-difference"), "the legend says what the gradient column means");
    }

    @Test
    void textTableHasAHeaderARuleAndOneLinePerRow() {
        String text = Report.text(rows());
        List<String> lines = text.lines().toList();
        assertEquals(4, lines.size(), text);
        assertTrue(lines.get(1).matches("-+"), text);
        assertTrue(lines.get(3).contains("—"), "NaN shows as a dash: " + text);
    }

    @Test
    void secondsAreWrittenForPeople() {
        assertEquals("812 µs", Report.seconds(812e-6));
        assertEquals("3.41 ms", Report.seconds(3.41e-3));
        assertEquals("1.27 s", Report.seconds(1.27));
        assertEquals("—", Report.seconds(Double.NaN));
    }

    @Test
    void chartIsAPng(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("sub").resolve("chart.png");
        Chart.write(rows(), png);
        byte[] head = java.util.Arrays.copyOf(Files.readAllBytes(png), 4);
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, head);
    }
}
