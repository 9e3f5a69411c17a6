package io.github.diffqp.solver.qps;

import io.github.diffqp.solver.QpProblem;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reads the 30 Maros–Meszaros files kept in the test module. The folder is part of the repository, so
 * its absence is a failure, not a reason to skip.
 */
class MarosMeszarosReadTest {
    private static final Path DIR = Path.of("../test/src/test/resources/maros-meszaros");

    private record Dimensions(int variables, int rows) {
    }

    /** The README's table: problem → (variables, constraint rows). */
    private static Map<String, Dimensions> readmeTable() throws IOException {
        Pattern row = Pattern.compile("^\\| (\\w+) \\| (\\d+) \\| (\\d+) \\|");
        Map<String, Dimensions> table = new TreeMap<>();
        for (String line : Files.readAllLines(DIR.resolve("README.md"))) {
            Matcher m = row.matcher(line);
            if (m.find()) {
                table.put(m.group(1), new Dimensions(Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3))));
            }
        }
        return table;
    }

    /** optimal.json is one flat object of numbers; a regex spares qp-solver a JSON dependency. */
    private static double publishedOptimum(String problem) throws IOException {
        Matcher m = Pattern.compile("\"" + problem + "\"\\s*:\\s*([-+0-9.eE]+)")
                .matcher(Files.readString(DIR.resolve("optimal.json")));
        assertTrue(m.find(), problem + " in optimal.json");
        return Double.parseDouble(m.group(1));
    }

    private static QpsModel read(String problem) throws IOException {
        return QpsReader.read(DIR.resolve(problem + ".QPS"));
    }

    @Test
    void allFilesParseWithTheReadmeDimensions() throws IOException {
        assertTrue(Files.isDirectory(DIR), "missing " + DIR.toAbsolutePath());
        Map<String, Dimensions> table = readmeTable();
        assertEquals(30, table.size());
        List<Path> files;
        try (Stream<Path> listing = Files.list(DIR)) {
            files = listing.filter(f -> f.getFileName().toString().endsWith(".QPS")).sorted().toList();
        }
        assertEquals(30, files.size());
        for (Path file : files) {
            String problem = file.getFileName().toString().replace(".QPS", "");
            QpsModel model = QpsReader.read(file);
            Dimensions expected = table.get(problem);
            assertEquals(problem, model.name());
            assertEquals(expected.variables(), model.problem().n(), problem + " variables");
            assertEquals(expected.variables(), model.variableNames().size(), problem + " variable names");
            assertEquals(expected.rows(), model.rowNames().size(), problem + " constraint rows");
            assertEquals(model.problem().m(), model.inequalityNames().size(), problem);
            assertEquals(model.problem().q(), model.equalityNames().size(), problem);
            model.problem().asBatch(); // finite, symmetric Q, consistent shapes
        }
    }

    @Test
    void hs21AtItsKnownOptimum() throws IOException {
        // min 0.01 x1² + x2² − 100  s.t. 10 x1 − x2 ≥ 10, 2 ≤ x1 ≤ 50, −50 ≤ x2 ≤ 50:  x* = (2, 0)
        QpProblem qp = read("HS21").problem();
        double[] x = {2, 0};
        assertFeasible(qp, x);
        assertEquals(publishedOptimum("HS21"), qp.objective(x), 1e-6);
        assertEquals(-99.96, qp.objective(x), 1e-12);
    }

    @Test
    void hs35AtItsKnownOptimum() throws IOException {
        // min 9 − 8x1 − 6x2 − 4x3 + 2x1² + 2x2² + x3² + 2x1x2 + 2x1x3  s.t. x1 + x2 + 2x3 ≤ 3, x ≥ 0:
        // x* = (4/3, 7/9, 4/9), f* = 1/9 (Hock & Schittkowski problem 35)
        QpProblem qp = read("HS35").problem();
        double[] x = {4.0 / 3, 7.0 / 9, 4.0 / 9};
        assertFeasible(qp, x);
        assertEquals(publishedOptimum("HS35"), qp.objective(x), 1e-6);
        assertEquals(1.0 / 9, qp.objective(x), 1e-12);
    }

    @Test
    void objectiveConstantsFromTheObjectiveRowRhs() throws IOException {
        assertEquals(-100, read("HS21").problem().objectiveConstant());   // RHS OBJ.FUNC 100
        assertEquals(9, read("HS35").problem().objectiveConstant());      // RHS OBJ.FUNC −9
        assertEquals(14463, read("HS268").problem().objectiveConstant()); // RHS OBJ.FUNC −14463
        assertEquals(7.113, read("QE226").problem().objectiveConstant()); // RHS ...000 −7.113
        assertEquals(0, read("QAFIRO").problem().objectiveConstant());
    }

    private static void assertFeasible(QpProblem qp, double[] x) {
        int n = qp.n();
        for (int r = 0; r < qp.m(); r++) {
            assertTrue(dot(qp.G(), r, x, n) <= qp.h()[r] + 1e-12, "inequality row " + r);
        }
        for (int r = 0; r < qp.q(); r++) {
            assertEquals(qp.b()[r], dot(qp.A(), r, x, n), 1e-12, "equality row " + r);
        }
    }

    private static double dot(double[] matrix, int row, double[] x, int n) {
        double sum = 0;
        for (int c = 0; c < n; c++) {
            sum += matrix[row * n + c] * x[c];
        }
        return sum;
    }
}
