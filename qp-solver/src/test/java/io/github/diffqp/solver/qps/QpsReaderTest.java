package io.github.diffqp.solver.qps;

import io.github.diffqp.solver.QpProblem;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class QpsReaderTest {

    static QpsModel parse(String... lines) throws IOException {
        return QpsReader.read(new StringReader(String.join("\n", lines) + "\n"), "test.qps");
    }

    @Test
    void rowsRangesAndObjectiveConstant() throws IOException {
        QpsModel model = parse(
                "NAME          RANGED",
                "ROWS",
                " N  COST",
                " L  LIM1",
                " G  LIM2",
                " E  EQ",
                " E  EQPOS",
                " E  EQNEG",
                " L  LRANGE",
                " G  GRANGE",
                " E  EQZERO",
                "COLUMNS",
                "    X         COST      1.0        LIM1      1.0",
                "    X         LIM2      2.0        EQ        1.0",
                "    X         EQPOS     1.0        EQNEG     1.0",
                "    X         LRANGE    1.0        GRANGE    1.0",
                "    X         EQZERO    1.0",
                "    Y         COST      -2.0       LIM1      1.0",
                "    Y         EQ        -1.0       LRANGE    3.0",
                "RHS",
                "    RHS       COST      -7.5       LIM1      4.0",
                "    RHS       LIM2      1.0        EQ        2.0",
                "    RHS       EQPOS     3.0        EQNEG     5.0",
                "    RHS       LRANGE    6.0        GRANGE    -1.0",
                "    RHS       EQZERO    8.0",
                "RANGES",
                "    RNG       EQPOS     2.0        EQNEG     -4.0",
                "    RNG       LRANGE    -2.5       GRANGE    -3.0",
                "    RNG       EQZERO    0.0",
                "BOUNDS",
                " FR BND       X",
                " FR BND       Y",
                "ENDATA");
        QpProblem qp = model.problem();
        assertEquals("RANGED", model.name());
        assertEquals(List.of("X", "Y"), model.variableNames());
        assertEquals(List.of("LIM1", "LIM2", "EQ", "EQPOS", "EQNEG", "LRANGE", "GRANGE", "EQZERO"), model.rowNames());
        assertEquals(2, qp.n());
        assertArrayEquals(new double[4], qp.Q());
        assertArrayEquals(new double[] {1, -2}, qp.p());
        assertEquals(7.5, qp.objectiveConstant()); // RHS on the objective row is −c0

        assertArrayEquals(new double[] {
                1, 1,    // LIM1:   x + y ≤ 4
                -2, 0,   // LIM2:   2x ≥ 1
                1, 0,    // EQPOS:  E row, R = 2   → 3 ≤ x ≤ 5
                -1, 0,
                1, 0,    // EQNEG:  E row, R = −4  → 1 ≤ x ≤ 5
                -1, 0,
                1, 3,    // LRANGE: L row, |R| = 2.5 → 3.5 ≤ x + 3y ≤ 6
                -1, -3,
                1, 0,    // GRANGE: G row, |R| = 3 → −1 ≤ x ≤ 2
                -1, 0}, qp.G());
        assertArrayEquals(new double[] {4, -1, 5, -3, 5, -1, 6, -3.5, 2, 1}, qp.h());
        assertArrayEquals(new double[] {1, -1, 1, 0}, qp.A()); // EQ, and EQZERO (zero range)
        assertArrayEquals(new double[] {2, 8}, qp.b());
        assertEquals(List.of("LIM1 upper", "LIM2 lower", "EQPOS upper", "EQPOS lower", "EQNEG upper", "EQNEG lower",
                "LRANGE upper", "LRANGE lower", "GRANGE upper", "GRANGE lower"), model.inequalityNames());
        assertEquals(List.of("EQ", "EQZERO"), model.equalityNames());

        // The file's objective: 7.5 + x − 2y.
        assertEquals(7.5 + 1 - 4, qp.objective(new double[] {1, 2}));
    }

    @Test
    void everyBoundType() throws IOException {
        List<String> names = List.of("XDEF", "XUP", "XLO", "XFX", "XFR", "XMI", "XPL", "XBV", "XLI", "XUI", "XSC",
                "XNEG", "XNEGLO", "XEQ", "XINF");
        List<String> lines = new ArrayList<>(List.of("NAME          BOUNDS", "ROWS", " N  OBJ", "COLUMNS"));
        for (String name : names) {
            lines.add("    " + name + "  OBJ  1.0");
        }
        lines.addAll(List.of(
                "BOUNDS",
                " UP BND       XUP       4.0",
                " LO BND       XLO       -2.0",
                " FX BND       XFX       3.0",
                " FR BND       XFR",
                " MI BND       XMI",
                " UP BND       XMI       5.0",    // MI keeps the upper bound it is given
                " UP BND       XPL       2.0",
                " PL BND       XPL",              // PL removes it again
                " BV BND       XBV",
                " LI BND       XLI       2.0",
                " UI BND       XUI       7.0",
                " LO BND       XSC       2.0",
                " SC BND       XSC       9.0",    // relaxed to [min(2, 0), 9]
                " UP BND       XNEG      -3.0",   // negative UP, no LO: lower becomes −∞
                " UP BND       XNEGLO    -3.0",   // negative UP, LO given (later): LO stands
                " LO BND       XNEGLO    -10.0",
                " LO BND       XEQ       2.0",
                " UP BND       XEQ       2.0",    // LO == UP: an equality
                " UP BND       XINF      1e30",   // |v| ≥ 1e20 is infinite: no rows
                " LO BND       XINF      -1e20",
                "ENDATA"));
        QpsModel model = parse(lines.toArray(String[]::new));
        QpProblem qp = model.problem();
        int n = names.size();
        assertEquals(n, qp.n());
        assertEquals(names, model.variableNames());

        // column, sign (+1: x ≤ h, −1: −x ≤ h), h
        Object[][] expected = {
                {"XDEF", -1, 0.0},
                {"XUP", 1, 4.0}, {"XUP", -1, 0.0},
                {"XLO", -1, 2.0},
                {"XMI", 1, 5.0},
                {"XPL", -1, 0.0},
                {"XBV", 1, 1.0}, {"XBV", -1, 0.0},
                {"XLI", -1, -2.0},
                {"XUI", 1, 7.0}, {"XUI", -1, 0.0},
                {"XSC", 1, 9.0}, {"XSC", -1, 0.0},
                {"XNEG", 1, -3.0},
                {"XNEGLO", 1, -3.0}, {"XNEGLO", -1, 10.0},
        };
        double[] g = new double[expected.length * n];
        double[] h = new double[expected.length];
        List<String> labels = new ArrayList<>();
        for (int r = 0; r < expected.length; r++) {
            String column = (String) expected[r][0];
            int sign = (Integer) expected[r][1];
            g[r * n + names.indexOf(column)] = sign;
            h[r] = (Double) expected[r][2];
            labels.add("bound " + column + (sign > 0 ? " upper" : " lower"));
        }
        assertArrayEquals(g, qp.G());
        assertArrayEquals(h, qp.h());
        assertEquals(labels, model.inequalityNames());

        // Fixed variables stay variables, pinned by an equality row each.
        double[] a = new double[2 * n];
        a[names.indexOf("XFX")] = 1;
        a[n + names.indexOf("XEQ")] = 1;
        assertArrayEquals(a, qp.A());
        assertArrayEquals(new double[] {3, 2}, qp.b());
        assertEquals(List.of("bound XFX", "bound XEQ"), model.equalityNames());
    }

    @Test
    void quadobjTriangleIsMirrored() throws IOException {
        QpProblem qp = parse(quadraticFile("QUADOBJ", "    X  X  4.0", "    Y  X  1.0", "    Y  Y  2.0")).problem();
        assertArrayEquals(new double[] {4, 1, 1, 2}, qp.Q());
        // ½xᵀQx + pᵀx + c0 at (1, 2): ½(4 + 4 + 8) + (1 − 2·2) + 3
        assertEquals(8 - 3 + 3, qp.objective(new double[] {1, 2}));
        qp.asBatch(); // the batch validation accepts it as symmetric
    }

    @Test
    void qsectionReadsLikeQuadobj() throws IOException {
        QpProblem qp = parse(quadraticFile("QSECTION", "    X  X  4.0", "    X  Y  1.0", "    Y  Y  2.0")).problem();
        assertArrayEquals(new double[] {4, 1, 1, 2}, qp.Q());
    }

    @Test
    void qmatrixIsTheFullMatrix() throws IOException {
        QpProblem full = parse(quadraticFile("QMATRIX",
                "    X  X  4.0", "    X  Y  1.0", "    Y  X  1.0", "    Y  Y  2.0")).problem();
        assertArrayEquals(new double[] {4, 1, 1, 2}, full.Q());

        // A one-sided off-diagonal entry is symmetrized; xᵀQx, and so the objective, is unchanged.
        QpProblem oneSided = parse(quadraticFile("QMATRIX", "    X  Y  3.0")).problem();
        assertArrayEquals(new double[] {0, 1.5, 1.5, 0}, oneSided.Q());
        assertEquals(0.5 * 3 * 1 * 2 + (1 - 4) + 3, oneSided.objective(new double[] {1, 2}));
    }

    /** Two free variables, p = (1, −2), c0 = 3, and the given quadratic section. */
    private static String[] quadraticFile(String header, String... entries) {
        List<String> lines = new ArrayList<>(List.of(
                "NAME          QUAD",
                "ROWS",
                " N  OBJ",
                "COLUMNS",
                "    X         OBJ       1.0",
                "    Y         OBJ       -2.0",
                "RHS",
                "    RHS       OBJ       -3.0",
                "BOUNDS",
                " FR BND       X",
                " FR BND       Y",
                header));
        lines.addAll(List.of(entries));
        lines.add("ENDATA");
        return lines.toArray(String[]::new);
    }

    @Test
    void freeFormat() throws IOException {
        QpsModel model = parse(
                "* free MPS: long names, tabs, no set names, integer markers, a second N row",
                "NAME a_long_problem_name",
                "OBJSENSE",
                "    MIN",
                "ROWS",
                " N cost_function_row",
                " N another_objective_ignored",
                " L capacity_constraint_number_one",
                "COLUMNS",
                " MARKER 'MARKER' 'INTORG'",
                "\tquantity_of_widgets\tcost_function_row\t+1.5e0 capacity_constraint_number_one 2.",
                "  quantity_of_widgets another_objective_ignored 99",
                " MARKER 'MARKER' 'INTEND'",
                " gadgets cost_function_row -.5 capacity_constraint_number_one 1D+00",
                "RHS",
                " capacity_constraint_number_one 10 cost_function_row 2",
                " another_objective_ignored 5",
                "RANGES",
                " capacity_constraint_number_one 4",
                "BOUNDS",
                " UP quantity_of_widgets 3",
                " FR gadgets",
                "QUADOBJ",
                " quantity_of_widgets quantity_of_widgets 1",
                "ENDATA");
        QpProblem qp = model.problem();
        assertEquals("a_long_problem_name", model.name());
        assertEquals(List.of("quantity_of_widgets", "gadgets"), model.variableNames());
        assertEquals(List.of("capacity_constraint_number_one"), model.rowNames());
        assertArrayEquals(new double[] {1.5, -0.5}, qp.p());
        assertArrayEquals(new double[] {1, 0, 0, 0}, qp.Q());
        assertEquals(-2, qp.objectiveConstant());
        assertArrayEquals(new double[] {
                2, 1,    // 6 ≤ 2w + g ≤ 10
                -2, -1,
                1, 0,    // w ≤ 3
                -1, 0},  // w ≥ 0
                qp.G());
        assertArrayEquals(new double[] {10, -6, 3, 0}, qp.h());
        assertEquals(0, qp.q());
    }

    @Test
    void defaultsWithoutOptionalSections() throws IOException {
        QpsModel model = parse(
                "NAME",
                "ROWS",
                " N  OBJ",
                " E  R1",
                "COLUMNS",
                "    X         R1        1.0",
                "ENDATA",
                "anything after ENDATA is not read");
        QpProblem qp = model.problem();
        assertEquals("", model.name());
        assertArrayEquals(new double[] {0}, qp.p());
        assertEquals(0, qp.objectiveConstant());
        assertArrayEquals(new double[] {1}, qp.A()); // x = 0 (RHS defaults to 0)
        assertArrayEquals(new double[] {0}, qp.b());
        assertArrayEquals(new double[] {-1}, qp.G()); // x ≥ 0 by default
        assertArrayEquals(new double[] {0}, qp.h());
    }

    /** A UTF-8 byte-order mark before NAME is skipped, as the JSON reader does (it used to be "unknown section"). */
    @Test
    void byteOrderMarkIsSkipped(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws IOException {
        String text = String.join("\n", "NAME          BOM", "ROWS", " N  OBJ", " E  R1", "COLUMNS",
                "    X         OBJ       2.0   R1   1.0", "RHS", "    RHS       R1        3.0", "ENDATA", "");
        java.nio.file.Path file = dir.resolve("bom.qps");
        byte[] body = text.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] withMark = new byte[body.length + 3];
        withMark[0] = (byte) 0xEF;
        withMark[1] = (byte) 0xBB;
        withMark[2] = (byte) 0xBF;
        System.arraycopy(body, 0, withMark, 3, body.length);
        java.nio.file.Files.write(file, withMark);
        QpsModel fromFile = QpsReader.read(file);
        assertEquals("BOM", fromFile.name());
        assertArrayEquals(new double[] {2}, fromFile.problem().p());
        assertArrayEquals(new double[] {3}, fromFile.problem().b());
        QpsModel fromReader = QpsReader.read(new StringReader("\uFEFF" + text), "bom.qps");
        assertEquals("BOM", fromReader.name());
    }
}
