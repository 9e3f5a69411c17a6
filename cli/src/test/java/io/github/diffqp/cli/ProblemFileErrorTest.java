package io.github.diffqp.cli;

import io.github.diffqp.solver.InvalidProblemException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static io.github.diffqp.cli.ProblemFileTest.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Malformed problems files are refused with the JSON path of the first fault. */
class ProblemFileErrorTest {

    /** Each row: the file (single quotes for double), the path reported, the detail reported. */
    @ParameterizedTest(name = "{1}: {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            {'p': [1, 2], 'G': [[[1, 2], [3, 4]], [[5, 6], [7, 'x']]], 'h': [[1, 2], [3, 4]]} | $.G[1][1][1] | expected a number, got "x" (strings, NaN and infinities are not accepted)
            {'p': [[1, 2, 3, 4], [1, 2, 3, 4], [1, 2, 3]]}           | $.p[2]       | row has 3 entries, expected 4 (ragged array)
            {'p': [1, 2, 3], 'Q': [1, 2, 3]}                         | $.Q          | expected 2 or 3 levels of nesting, found 1
            {'p': [1, 2, 3], 'Q': [[[[1]]]]}                         | $.Q          | expected 2 or 3 levels of nesting, found 4
            {'p': [[[1]]]}                                           | $.p          | expected 1 or 2 levels of nesting, found 3
            {'p': [1], 'h': 3}                                       | $.h          | expected an array, got 3
            {'p': [1, 'NaN']}                                        | $.p[1]       | expected a number, got "NaN" (strings, NaN and infinities are not accepted)
            {'p': [1, '-Infinity']}                                  | $.p[1]       | expected a number, got "-Infinity" (strings, NaN and infinities are not accepted)
            {'p': [1, 1e999]}                                        | $.p[1]       | number is not finite: too large for a double (overflows to Infinity)
            {'p': [1, -1e400]}                                       | $.p[1]       | number is not finite: too large for a double (overflows to -Infinity)
            {'p': [1, [2]]}                                          | $.p[1]       | expected a number, got an array
            {'p': [[1], 2]}                                          | $.p[1]       | expected an array, got 2
            {'p': [1, true]}                                         | $.p[1]       | expected a number, got true
            {'p': [1, null]}                                         | $.p[1]       | expected a number, got null
            {'p': [1, {}]}                                           | $.p[1]       | expected a number, got an object
            {'p': [1, 2], 'Q': [[1, 0], [0]]}                        | $.Q[1]       | row has 1 entries, expected 2 (ragged array)
            {'p': [1, 2], 'G': [[[1, 0]], [[1, 0], [0, 1]]], 'h': [1]} | $.G[1]     | row has 2 entries, expected 1 (ragged array)
            {'p': [1], 'x': [1]}                                     | $.x          | unknown key (expected Q, p, G, h, A, b)
            {'p': [1], 'foo bar': 1}                                 | $['foo bar'] | unknown key (expected Q, p, G, h, A, b)
            {'Q': [[1]]}                                             | $            | missing key "p" (the linear term is required; it fixes n)
            3                                                        | $            | expected an object (a batch) or an array of problems, got 3
            true                                                     | $            | expected an object (a batch) or an array of problems, got true
            []                                                       | $            | the array of problems is empty
            [{'p': [1]}, 1]                                          | $[1]         | expected an object (one problem), got 1
            [{'p': [1]}, {'p': [[1]]}]                               | $[1].p       | expected 1 level of nesting (no batch axis in an array of problems), found 2
            [{'p': [1]}, {'p': [1], 'G': [[[1]]], 'h': [1]}]         | $[1].G       | expected 2 levels of nesting (no batch axis in an array of problems), found 3
            [{'p': [1]}, {'p': [1], 'Q': [[1]]}, {'p': [1], 'h': [1, 'x']}] | $[2].h[1] | expected a number, got "x" (strings, NaN and infinities are not accepted)
            [{'p': [1]}, {'p': [1], 'c': 0}]                         | $[1].c       | unknown key (expected Q, p, G, h, A, b)
            [{'p': [1]}, {'Q': [[1]]}]                               | $[1]         | missing key "p" (the linear term is required; it fixes n)
            """)
    void refusedWithPath(String file, String path, String detail) {
        JsonFormatException e = assertThrows(JsonFormatException.class, () -> ProblemFile.parse(json(file)));
        assertEquals(path, e.path());
        assertEquals(detail, e.detail());
        assertEquals(path + ": " + detail, e.getMessage());
        assertEquals(-1, e.line());
    }

    /** Invalid JSON: Jackson's complaint, where it was reading, and the line and column. */
    @ParameterizedTest(name = "{1} at {2}:{3}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            {'p': [1, 2, x]}                                  | $.p[2]       | 1 | 15 | Unrecognized token 'x'
            {'p': [1, NaN]}                                   | $.p[1]       | 1 | 14 | Non-standard token 'NaN': NaN and infinities are not accepted
            {'p': [1, -Infinity]}                             | $.p[1]       | 1 | 20 | Non-standard token '-Infinity': NaN and infinities are not accepted
            {'p': [1], 'p': [2]}                              | $.p          | 1 | 15 | Duplicate field 'p'
            {'p': [1]} 5                                      | $            | 1 | 12 | unexpected text after the end of the document
            [{'p': [1]}, {'p': [1, 2], 'Q': [[1, 2], [3 4]]}] | $[1].Q[1][1] | 1 | 45 | Unexpected character ('4' (code 52)): was expecting comma to separate Array entries
            """)
    void invalidJson(String file, String path, int line, int column, String start) {
        JsonFormatException e = assertThrows(JsonFormatException.class, () -> ProblemFile.parse(json(file)));
        assertEquals(path, e.path());
        assertEquals(line, e.line());
        assertEquals(column, e.column());
        String prefix = path + ": invalid JSON at line " + line + ", column " + column + ": " + start;
        assertEquals(prefix, e.getMessage().substring(0, Math.min(prefix.length(), e.getMessage().length())));
    }

    @Test
    void lineAndColumnOnALaterLine() {
        JsonFormatException e = assertThrows(JsonFormatException.class,
                () -> ProblemFile.parse("{\n  \"p\": [1, 2],\n  \"G\": [[1, 2],, [3, 4]]\n}"));
        assertEquals("$.G[1]", e.path());
        assertEquals(3, e.line());
        assertEquals(16, e.column()); // the second comma
    }

    @Test
    void emptyFile(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("empty.json"), "  \n");
        JsonFormatException e = assertThrows(JsonFormatException.class, () -> ProblemFile.read(file));
        assertEquals("$: the file is empty", e.getMessage());
    }

    @Test
    void semanticFaultsOfABatchComeFromTheBuilder() {
        InvalidProblemException asymmetric = assertThrows(InvalidProblemException.class, () -> ProblemFile.parse(json(
                "{'p': [[1, 2], [1, 2]], 'Q': [[[1, 2], [2, 4]], [[1, 2], [3, 4]]]}")));
        assertEquals("Q", asymmetric.datum());
        assertEquals(1, asymmetric.problem());
        assertEquals("$.Q[1]: not symmetric: Q[0][1] = 2.0 but Q[1][0] = 3.0", asymmetric.getMessage());

        InvalidProblemException sizes = assertThrows(InvalidProblemException.class, () -> ProblemFile.parse(json(
                "{'p': [[1, 2], [1, 2]], 'G': [[1, 2], [3, 4]], 'h': [[1, 2], [3, 4], [5, 6]]}")));
        assertEquals("h", sizes.datum());

        InvalidProblemException lonely = assertThrows(InvalidProblemException.class,
                () -> ProblemFile.parse(json("{'p': [1], 'G': [[1]]}")));
        assertEquals("h", lonely.datum());
    }

    /** n = 0 used to crash the CPU backend (a null vector); it is refused, naming the problem's place. */
    @Test
    void aProblemWithoutVariablesIsRefused() {
        InvalidProblemException alone = assertThrows(InvalidProblemException.class,
                () -> ProblemFile.parse(json("{'p': []}")));
        assertEquals("$.p: no variables (n = 0): a problem needs at least one", alone.getMessage());
        InvalidProblemException inArray = assertThrows(InvalidProblemException.class,
                () -> ProblemFile.parse(json("[{'p': [1]}, {'p': [], 'G': [[]], 'h': [1]}]")));
        assertEquals("$[1].p: no variables (n = 0): a problem needs at least one", inArray.getMessage());
        assertEquals(1, inArray.problem());
    }

    @Test
    void semanticFaultsInAnArrayNameTheProblemsPlace() {
        InvalidProblemException asymmetric = assertThrows(InvalidProblemException.class, () -> ProblemFile.parse(json(
                "[{'p': [1, 2]}, {'p': [1, 2], 'Q': [[1, 2], [3, 4]]}]")));
        assertEquals("Q", asymmetric.datum());
        assertEquals(1, asymmetric.problem());
        assertEquals("$[1].Q: not symmetric: Q[0][1] = 2.0 but Q[1][0] = 3.0", asymmetric.getMessage());

        InvalidProblemException shape = assertThrows(InvalidProblemException.class, () -> ProblemFile.parse(json(
                "[{'p': [1, 2]}, {'p': [1, 2]}, {'p': [1, 2], 'G': [[1, 2, 3]], 'h': [1]}]")));
        assertEquals("G", shape.datum());
        assertEquals(2, shape.problem());
        assertEquals("$[2].G: shape is 1×3, expected 1×2 (n = 2, the length of p)", shape.getMessage());
    }
}
