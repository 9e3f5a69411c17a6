package io.github.diffqp.solver.qps;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each malformed file is refused with the file name and the line of the fault in the message. */
class QpsReaderErrorTest {

    /** A valid file; each case below breaks one thing about it. Line numbers are 1-based. */
    private static final List<String> VALID = List.of(
            "NAME          ERR",                                        // 1
            "ROWS",                                                     // 2
            " N  OBJ",                                                  // 3
            " L  R1",                                                   // 4
            "COLUMNS",                                                  // 5
            "    X         OBJ       1.0        R1        1.0",         // 6
            "RHS",                                                      // 7
            "    RHS       R1        4.0",                              // 8
            "BOUNDS",                                                   // 9
            " UP BND       X         3.0",                              // 10
            "QUADOBJ",                                                  // 11
            "    X         X         2.0",                              // 12
            "ENDATA");                                                  // 13

    /** VALID with line {@code line} replaced by {@code replacement} (zero or more lines). */
    private static String edit(int line, String... replacement) {
        List<String> lines = new ArrayList<>(VALID);
        lines.remove(line - 1);
        lines.addAll(line - 1, Arrays.asList(replacement));
        return String.join("\n", lines) + "\n";
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of(edit(9, "BOUNDZ"), 9, "unknown section 'BOUNDZ'"),
                Arguments.of(edit(6, "    X         OBJ       1.0        R2        1.0"), 6, "unknown row 'R2' in COLUMNS"),
                Arguments.of(edit(8, "    RHS       R9        4.0"), 8, "unknown row 'R9' in RHS"),
                Arguments.of(edit(9, "RANGES", "    RNG       R7        1.0", "BOUNDS"), 10, "unknown row 'R7' in RANGES"),
                Arguments.of(edit(10, " UP BND       Z         3.0"), 10, "unknown column 'Z' in BOUNDS"),
                Arguments.of(edit(12, "    X         Z         2.0"), 12, "unknown column 'Z' in QUADOBJ"),
                Arguments.of(edit(8, "    RHS       R1        4.0x"), 8, "bad number '4.0x'"),
                Arguments.of(edit(6, "    X         OBJ       NaN"), 6, "bad number 'NaN'"),
                Arguments.of(edit(12, "    X         X         1,5"), 12, "bad number '1,5'"),
                Arguments.of(edit(4, " X  R1"), 4, "unknown row type 'X'"),
                Arguments.of(edit(10, " XX BND       X         3.0"), 10, "unknown bound type 'XX'"),
                Arguments.of(edit(13), 12, "missing ENDATA"),
                Arguments.of(edit(2, "COLUMNS"), 2, "section ROWS missing before COLUMNS"),
                Arguments.of("NAME          ERR\nENDATA\n", 2, "section ROWS missing before ENDATA"),
                Arguments.of(edit(5, "RHS"), 5, "section COLUMNS missing before RHS"),
                Arguments.of(edit(4, " L  OBJ"), 4, "duplicate row name 'OBJ'"),
                Arguments.of(edit(6, "    X         OBJ       1.0", "    Y         OBJ       1.0", "    X         R1        1.0"),
                        8, "duplicate column name 'X'"),
                Arguments.of(edit(6, "    X         R1        1.0        R1        2.0"), 6, "duplicate entry"),
                Arguments.of(edit(8, "    RHS       R1        4.0        R1        5.0"), 8, "duplicate RHS entry"),
                Arguments.of(edit(12, "    X         X         2.0", "    X         X         2.0"), 13,
                        "duplicate quadratic entry"),
                Arguments.of(edit(8, "    RHS       R1        4.0", "    RHS2      OBJ       1.0"), 9, "a second RHS set"),
                Arguments.of(edit(9, "RHS"), 9, "section RHS appears twice"),
                Arguments.of(edit(13, "QMATRIX", "ENDATA"), 13, "a second quadratic section"),
                Arguments.of(edit(6, "    X         OBJ       1.0        R1"), 6, "row 'R1' has no value for column 'X'"),
                Arguments.of(edit(6, "    X         OBJ"), 6, "row 'OBJ' has no value for column 'X'"),
                Arguments.of(edit(6, "    X         1.0"), 6, "value 1.0 for column 'X' has no row name"),
                Arguments.of(edit(6, "    X         OBJ       1.0        2.0"), 6,
                        "expected a column name and one or two (row, value) pairs in COLUMNS, found 4 fields"),
                Arguments.of(edit(6, "    X         OBJ       1e30"), 6, "infinite coefficient 1e30 (|value| ≥ 1e20 is infinite)"),
                // A missing value used to be read as a shifted line: "unknown column 'BND'", "unknown row 'RHS'".
                Arguments.of(edit(10, " UP BND       X"), 10, "the UP bound on column 'X' has no value"),
                Arguments.of(edit(10, " UP X"), 10, "the UP bound on column 'X' has no value"),
                Arguments.of(edit(10, " LO BND       Z"), 10, "the LO bound on column 'Z' has no value"),
                Arguments.of(edit(10, " UP BND       X         three"), 10, "bad number 'three'"),
                Arguments.of(edit(8, "    RHS       R1"), 8, "row 'R1' has no value in RHS"),
                Arguments.of(edit(8, "    R1        4.0        OBJ"), 8, "row 'OBJ' has no value in RHS"),
                Arguments.of(edit(8, "    RHS       R1        4.0        OBJ"), 8, "row 'OBJ' has no value in RHS"),
                Arguments.of(edit(9, "RANGES", "    RNG       R1", "BOUNDS"), 10, "row 'R1' has no value in RANGES"),
                Arguments.of(edit(12, "    X         X"), 12, "the quadratic entry (X, X) has no value"),
                // Messages name the section as the file does, QSECTION included.
                Arguments.of(edit(11, "QSECTION").replace("    X         X         2.0", "    X         Z         2.0"), 12,
                        "unknown column 'Z' in QSECTION"),
                // A data line that lost its leading blank reads as a section header.
                Arguments.of(edit(6, "X         OBJ       1.0"), 6,
                        "unknown section 'X' (a data line must start with a blank)"),
                Arguments.of("", 1, "no QPS section in the input"),
                Arguments.of("* only a comment\n\n", 2, "no QPS section in the input"),
                Arguments.of(edit(10, " UP BND       X         -1e30"), 10, "infeasible"),
                // Found only when building, yet still reported at the RHS line.
                Arguments.of(edit(8, "    RHS       R1        1e30").replace(" L  R1", " E  R1"), 8,
                        "row 'R1' has no finite side: its interval is [+inf, +inf] (|value| ≥ 1e20 is infinite)"),
                Arguments.of(edit(2, "OBJSENSE MAX", "ROWS"), 2, "maximization is not supported"),
                Arguments.of("    X\n", 1, "data line before any section header"),
                Arguments.of(edit(2, "  stray", "ROWS"), 2, "unexpected data line in the NAME section"),
                Arguments.of(edit(2, "ROWS", " N"), 3, "expected a row type and a row name"),
                Arguments.of(edit(7, "RHS EXTRA"), 7, "unexpected text after RHS"));
    }

    @ParameterizedTest(name = "[{index}] line {1}: {2}")
    @MethodSource("malformed")
    void refusedWithLineNumber(String text, int line, String fragment) {
        QpsFormatException e = assertThrows(QpsFormatException.class,
                () -> QpsReader.read(new StringReader(text), "err.qps"));
        assertEquals(line, e.line(), e.getMessage());
        assertEquals("err.qps", e.source());
        assertTrue(e.getMessage().startsWith("err.qps:" + line + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(fragment), () -> "expected '" + fragment + "' in: " + e.getMessage());
    }

    @Test
    void aFieldCountIsWrittenInTheSingularWhenItIsOne() {
        QpsFormatException e = assertThrows(QpsFormatException.class,
                () -> QpsReader.read(new StringReader(edit(2, "ROWS", " N")), "err.qps"));
        assertEquals("err.qps:3: expected a row type and a row name in ROWS, found 1 field", e.getMessage());
    }

    @Test
    void aFileIsNamedByItsPath(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("broken.qps");
        Files.writeString(file, edit(6, "    X         OBJ       one"));
        QpsFormatException e = assertThrows(QpsFormatException.class, () -> QpsReader.read(file));
        assertTrue(e.getMessage().startsWith(file + ":6: bad number 'one'"), e.getMessage());
    }

    @Test
    void theValidBaseFileParses() throws IOException {
        QpsReader.read(new StringReader(String.join("\n", VALID)), "err.qps");
    }
}
