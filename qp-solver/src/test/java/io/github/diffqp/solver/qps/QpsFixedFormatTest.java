package io.github.diffqp.solver.qps;

import io.github.diffqp.solver.QpProblem;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.StringReader;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fixed-format MPS is read by its columns once a line shows that it must be (a name with a space in it, as in
 * QFORPLAN of the Maros–Meszaros set); everything else is read in free format. The fixtures under
 * {@code src/test/resources/qps} are small hand-made files in the shape of QFORPLAN's lines.
 */
class QpsFixedFormatTest {

    private static Path fixture(String name) throws URISyntaxException {
        return Path.of(QpsFixedFormatTest.class.getResource("/qps/" + name).toURI());
    }

    private static List<String> fixtureLines(String name) throws IOException, URISyntaxException {
        return Files.readAllLines(fixture(name));
    }

    private static QpsFormatException refusal(List<String> lines) {
        return assertThrows(QpsFormatException.class,
                () -> QpsReader.read(new StringReader(String.join("\n", lines) + "\n"), "fixed.qps"));
    }

    @Test
    void namesWithSpacesAreReadByTheirColumns() throws Exception {
        QpsModel model = QpsReader.read(fixture("fixed-names-with-spaces.qps"));
        assertEquals("SPACED", model.name());
        assertEquals(List.of("X 1", "Y 2"), model.variableNames());
        assertEquals(List.of("DEDO3 1R", "BR   1 1", "VOLM 1 R"), model.rowNames());
        QpProblem qp = model.problem();
        assertArrayEquals(new double[] {2, 1, 1, 4}, qp.Q());
        assertArrayEquals(new double[] {1, -1}, qp.p());
        assertArrayEquals(new double[] {1, 1}, qp.A()); // DEDO3 1R: x + y = 3
        assertArrayEquals(new double[] {3}, qp.b());
        assertArrayEquals(new double[] {
                2, 0,    // BR   1 1: 2x ≤ 8, ranged by 5 from below: 2x ≥ 3
                -2, 0,
                0, -1,   // VOLM 1 R: y ≥ −1 (RHS line with a blank set name)
                1, 0,    // UP on X 1: x ≤ 4, default x ≥ 0
                -1, 0,
                0, 1},   // MI and UP on Y 2: y ≤ 2.5, no lower bound
                qp.G());
        assertArrayEquals(new double[] {8, -3, 1, 4, 0, 2.5}, qp.h());
        assertEquals(List.of("BR   1 1 upper", "BR   1 1 lower", "VOLM 1 R lower", "bound X 1 upper",
                "bound X 1 lower", "bound Y 2 upper"), model.inequalityNames());
    }

    @Test
    void theSwitchIsMadeAtTheFirstLineThatNeedsIt() throws Exception {
        // ROWS line 7 (' E  DEDO3 1R') has three fields in free format.
        QpsDimensions spaced = QpsReader.dimensions(fixture("fixed-names-with-spaces.qps"));
        assertEquals(7, spaced.fixedFormatLine());
        assertEquals(2, spaced.variables());
        assertEquals(3, spaced.constraintRows());
        assertEquals(4, spaced.matrixEntries());     // the COLUMNS entries on constraint rows, not on COST
        assertEquals(3, spaced.quadraticEntries());
        // Only a column name has a space: free format fails first in COLUMNS, line 8.
        QpsDimensions column = QpsReader.dimensions(fixture("fixed-column-name-with-space.qps"));
        assertEquals(8, column.fixedFormatLine());
        QpsModel model = QpsReader.read(fixture("fixed-column-name-with-space.qps"));
        assertEquals(List.of("X 1", "Y"), model.variableNames());
        assertArrayEquals(new double[] {1, 2}, model.problem().p());
        assertArrayEquals(new double[] {1, 1, -1, 0, 0, -1}, model.problem().G()); // x + y ≤ 4, x, y ≥ 0
        assertArrayEquals(new double[] {4, 0, 0}, model.problem().h());
    }

    @Test
    void aFileWithoutSpacedNamesIsReadInFreeFormat() throws IOException {
        // Fixed columns without spaces in names split the same way at white space: no switch is needed.
        QpsDimensions dims = QpsReader.dimensions(new StringReader(String.join("\n",
                "NAME          PLAIN",
                "ROWS",
                " N  OBJ",
                " L  R1",
                "COLUMNS",
                "    X         OBJ       1.0            R1        1.0",
                "    a_name_longer_than_eight_characters R1 2.0 OBJ 1e0",
                "RHS",
                "    RHS       R1        4.0",
                "ENDATA")), "plain.qps");
        assertEquals(0, dims.fixedFormatLine());
        assertEquals(2, dims.variables());
        assertEquals(2, dims.matrixEntries());
    }

    @Test
    void afterTheSwitchTextOutsideTheFieldsIsRefused() throws Exception {
        List<String> lines = new ArrayList<>(fixtureLines("fixed-names-with-spaces.qps"));
        int at = lines.indexOf("    Y 2       DEDO3 1R  1.");
        lines.set(at, "    Y 2       DEDO3 1R  1.00000000000"); // 13 characters: the value runs into column 37
        QpsFormatException e = refusal(lines);
        assertEquals(at + 1, e.line());
        assertTrue(e.getMessage().contains("text at column 37 lies outside the fixed-format fields"), e.getMessage());
        assertTrue(e.getMessage().contains("since line 7, where a name contains a space"), e.getMessage());
    }

    @Test
    void afterTheSwitchAFaultIsReportedAsReadByTheColumns() throws Exception {
        List<String> lines = new ArrayList<>(fixtureLines("fixed-names-with-spaces.qps"));
        lines.set(7, " E  DEDO3 1R"); // line 8 repeats line 7's row
        QpsFormatException e = refusal(lines);
        assertEquals(8, e.line());
        assertTrue(e.getMessage().endsWith("duplicate row name 'DEDO3 1R'"), e.getMessage());
    }

    /**
     * Short free-format lines often fit the fixed columns by chance ({@code "    Y X 1.0"} is one field at columns
     * 5–12): when such a line is faulty, the columns do not read it either, and the free reading's fault is the
     * one reported, not "found 1 field".
     */
    @Test
    void aFaultyShortFreeLineKeepsItsFreeFormatMessage() {
        List<String> head = List.of("NAME FREE", "ROWS", " N OBJ", " L R1", "COLUMNS", "    X OBJ 1.0 R1 1.0");
        List<String> quadratic = new ArrayList<>(head);
        quadratic.addAll(List.of("QUADOBJ", "    Y X 1.0", "ENDATA"));
        assertTrue(refusal(quadratic).getMessage().endsWith("fixed.qps:8: unknown column 'Y' in QUADOBJ"));
        List<String> bound = new ArrayList<>(head);
        bound.addAll(List.of("BOUNDS", " FX BND X", "ENDATA"));
        assertTrue(refusal(bound).getMessage().endsWith("fixed.qps:8: the FX bound on column 'X' has no value"));
        // The first line that needs the columns, yet faulty by them too (row 'NOROW' is unknown): free format's
        // fault is reported, as for any file that has not shown itself to be fixed format.
        List<String> fixedFault = new ArrayList<>(head.subList(0, 5));
        fixedFault.addAll(List.of(fixed(null, "X 1", "NOROW", "1."), "ENDATA"));
        assertTrue(refusal(fixedFault).getMessage().endsWith(
                "fixed.qps:6: expected a column name and one or two (row, value) pairs in COLUMNS, found 4 fields"),
                refusal(fixedFault).getMessage());
    }

    @Test
    void aFreeFormatFaultWhoseLineDoesNotFitTheColumnsKeepsItsFreeFormatMessage() {
        // Read by columns, field 5–12 would be "OBJ 1.0", but 'R1' lies in the gap at columns 13–14.
        QpsFormatException e = refusal(List.of(
                "NAME FREE", "ROWS", " N OBJ", " L R1", "COLUMNS", "  X OBJ 1.0 R1", "ENDATA"));
        assertEquals(6, e.line());
        assertTrue(e.getMessage().endsWith("row 'R1' has no value for column 'X'"), e.getMessage());
    }

    /** A data line with each field at its fixed-format column (2, 5, 15, 25, 40, 50); null skips a field. */
    private static String fixed(String... fields) {
        int[] starts = {2, 5, 15, 25, 40, 50};
        StringBuilder line = new StringBuilder();
        for (int k = 0; k < fields.length; k++) {
            if (fields[k] != null) {
                line.append(" ".repeat(starts[k] - 1 - line.length())).append(fields[k]);
            }
        }
        return line.toString();
    }

    @Test
    void aFailedFreeReadingLeavesNoTrace() throws IOException {
        // At white space the COLUMNS line is column 'A' with an entry in row 'B' ... which is unknown: that
        // half-read column must not stay when the line is then read by its columns as column 'A B C'.
        QpsModel model = QpsReader.read(new StringReader(String.join("\n",
                "NAME          TRACE",
                "ROWS",
                fixed("N", "COST"),
                fixed("L", "R1"),
                "COLUMNS",
                fixed(null, "A B C", "R1", "1."),
                fixed(null, "A B C", "COST", "2."),
                "RHS",
                fixed(null, "RHS", "R1", "4."),
                "ENDATA")), "trace.qps");
        assertEquals(List.of("A B C"), model.variableNames());
        assertArrayEquals(new double[] {2}, model.problem().p());
        assertArrayEquals(new double[] {1, -1}, model.problem().G());
        assertArrayEquals(new double[] {4, 0}, model.problem().h());
    }
}
