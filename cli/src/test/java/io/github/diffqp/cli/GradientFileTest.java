package io.github.diffqp.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.github.diffqp.cli.ProblemFileTest.json;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GradientFileTest {

    @Test
    void batchGradient(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("g.json"), json("{'dl_dx': [[1, 2, 3], [4, 5, 6]]}"));
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, GradientFile.read(file, 2, 3));
    }

    @Test
    void aSingleProblemMayOmitTheBatchAxis() {
        assertArrayEquals(new double[] {1, 2}, GradientFile.parse(json("{'dl_dx': [1, 2]}"), 1, 2));
        assertArrayEquals(new double[] {1, 2}, GradientFile.parse(json("{'dl_dx': [[1, 2]]}"), 1, 2));
    }

    @Test
    void perProblemAsAnArrayOfObjects() {
        List<double[]> g = GradientFile.parsePerProblem(json("[{'dl_dx': [1]}, {'dl_dx': [2, 3, 4]}, {'dl_dx': []}]"),
                new int[] {1, 3, 0});
        assertEquals(3, g.size());
        assertArrayEquals(new double[] {1}, g.get(0));
        assertArrayEquals(new double[] {2, 3, 4}, g.get(1));
        assertArrayEquals(new double[0], g.get(2));
    }

    @Test
    void perProblemAsRowsOfDifferentLengths() {
        List<double[]> g = GradientFile.parsePerProblem(json("{'dl_dx': [[1], [2, 3, 4]]}"), new int[] {1, 3});
        assertArrayEquals(new double[] {1}, g.get(0));
        assertArrayEquals(new double[] {2, 3, 4}, g.get(1));
    }

    @ParameterizedTest(name = "B={1} n={2}: {3}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            {'dl_dx': [[1, 2, 3], [4, 5]]}        | 2 | 3 | $.dl_dx[1]    | row has 2 entries, expected 3 (n = 3)
            {'dl_dx': [[1, 2], [4, 5]]}           | 2 | 3 | $.dl_dx[0]    | row has 2 entries, expected 3 (n = 3)
            {'dl_dx': [[1, 2, 3]]}                | 2 | 3 | $.dl_dx       | array has 1 entries, expected 2 (one row per problem, B = 2)
            {'dl_dx': [1, 2, 3]}                  | 2 | 3 | $.dl_dx       | expected 2 levels of nesting ([B][n] with B = 2, n = 3), found 1
            {'dl_dx': [[[1, 2, 3]]]}              | 1 | 3 | $.dl_dx       | expected 2 levels of nesting ([B][n] with B = 1, n = 3, or [n]), found 3
            {'dl_dx': [1, 2]}                     | 1 | 3 | $.dl_dx       | array has 2 entries, expected 3 (n = 3)
            {'dl_dx': [[1, 2, 3], [4, 5, 'x']]}   | 2 | 3 | $.dl_dx[1][2] | expected a number, got "x" (strings, NaN and infinities are not accepted)
            {'dl_dx': [[1, 2, 3], [4, 5, 1e500]]} | 2 | 3 | $.dl_dx[1][2] | number is not finite: too large for a double (overflows to Infinity)
            {'dl_dx': [[1]], 'extra': 1}          | 1 | 1 | $.extra       | unknown key (expected "dl_dx")
            {'dx': [[1]]}                         | 1 | 1 | $.dx          | unknown key (expected "dl_dx")
            {}                                    | 1 | 1 | $             | missing key "dl_dx"
            [[1]]                                 | 1 | 1 | $             | expected an object with key "dl_dx", got an array
            {'dl_dx': 1}                          | 1 | 1 | $.dl_dx       | expected an array, got 1
            """)
    void batchErrors(String file, int batch, int n, String path, String detail) {
        JsonFormatException e = assertThrows(JsonFormatException.class, () -> GradientFile.parse(json(file), batch, n));
        assertEquals(path, e.path());
        assertEquals(path + ": " + detail, e.getMessage());
    }

    @ParameterizedTest(name = "{1}: {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            [{'dl_dx': [1]}]                           | $             | array has 1 entries, expected 2 (one per problem)
            [{'dl_dx': [1]}, {'dl_dx': [1, 2]}]        | $[1].dl_dx    | array has 2 entries, expected 3 (n = 3)
            [{'dl_dx': [1]}, {'dl_dx': [[1, 2, 3]]}]   | $[1].dl_dx    | expected 1 level of nesting ([n] with n = 3), found 2
            [{'dl_dx': [1]}, {'dl_dx': [1, 2, '?']}]   | $[1].dl_dx[2] | expected a number, got "?" (strings, NaN and infinities are not accepted)
            [{'dl_dx': [1]}, {'x': [1, 2, 3]}]         | $[1].x        | unknown key (expected "dl_dx")
            [{'dl_dx': [1]}, 7]                        | $[1]          | expected an object with key "dl_dx", got 7
            {'dl_dx': [[1], [2, 3]]}                   | $.dl_dx[1]    | array has 2 entries, expected 3 (problem 1 has n = 3)
            {'dl_dx': [[1]]}                           | $.dl_dx       | array has 1 entries, expected 2 (one row per problem)
            {'dl_dx': [1, 2]}                          | $.dl_dx       | expected 2 levels of nesting (one row per problem), found 1
            """)
    void perProblemErrors(String file, String path, String detail) {
        JsonFormatException e = assertThrows(JsonFormatException.class,
                () -> GradientFile.parsePerProblem(json(file), new int[] {1, 3}));
        assertEquals(path, e.path());
        assertEquals(path + ": " + detail, e.getMessage());
    }

    @Test
    void invalidJson() {
        JsonFormatException e = assertThrows(JsonFormatException.class,
                () -> GradientFile.parse("{\"dl_dx\": [[1, 2],\n [3, 4]", 2, 2));
        assertEquals("$.dl_dx[1]", e.path()); // the file ends inside dl_dx, after its second row
        assertTrue(e.detail().contains("end-of-input"), e.detail());
        assertEquals(2, e.line());
    }
}
