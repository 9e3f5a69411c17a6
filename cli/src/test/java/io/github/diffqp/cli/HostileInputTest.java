package io.github.diffqp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The defects a probe of {@code diffqp solve} with hostile input found (issue 14), one test each: every
 * input is read correctly or refused with one line in the user's terms, before any work.
 */
class HostileInputTest {
    @TempDir
    Path dir;

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }

    private CliRun solve(Path in) {
        return CliRun.of("solve", "--in", in.toString(), "--out", dir.resolve("solution.json").toString());
    }

    /** Exit {@code code}, exactly one line on stderr containing every fragment, and no solution file. */
    private void assertRefused(CliRun run, int code, String... fragments) {
        assertEquals(code, run.code(), run.toString());
        assertEquals(1, run.errLines(), run.err());
        for (String f : fragments) {
            assertTrue(run.err().contains(f), "'" + f + "' in: " + run.err());
        }
        assertFalse(run.err().contains("\tat "), "no stack trace: " + run.err());
        assertFalse(Files.exists(dir.resolve("solution.json")));
    }

    // ---- memory

    @Test
    void tooManyVariablesIsRefusedWithoutAnOverflow() throws IOException {
        Path in = write("wide.json", "{\"p\": [" + zeros(46_341) + "]}");
        assertRefused(solve(in), ExitCodes.USAGE, "wide.json: $.p: n = 46341 variables is more than DiffQP can hold");
    }

    @Test
    void aProblemBeyondTheHeapIsRefusedBeforeAllocatingWithExitThree() throws IOException {
        // n = 46 340 without Q: its dense zero Q alone is 16 GiB, which no test heap has.
        Path in = write("lp.json", "{\"p\": [" + zeros(46_340) + "]}");
        assertRefused(solve(in), ExitCodes.BACKEND, "lp.json: the zero Q of an LP with n = 46340 needs 16.0 GiB",
                "-Xmx");
    }

    @Test
    void aQpsFileOfTooManyColumnsIsRefusedBeforeAllocating() throws IOException {
        // 1.7 MB of free columns: densely, a 46 341 × 46 341 Q, which no Java array holds.
        StringBuilder qps = new StringBuilder("NAME          WIDE\nROWS\n N  obj\nCOLUMNS\n");
        for (int j = 0; j < 46_341; j++) {
            qps.append("    X").append(j).append("  obj  1.0\n");
        }
        qps.append("BOUNDS\n");
        for (int j = 0; j < 46_341; j++) {
            qps.append(" FR BND  X").append(j).append('\n');
        }
        Path in = write("wide.qps", qps.append("ENDATA\n").toString());
        assertRefused(solve(in), ExitCodes.USAGE, "wide.qps: p: n = 46341 variables is more than DiffQP can hold");
    }

    // ---- convexity

    @Test
    void aNonconvexQIsRefusedNamingQAndTheProblem() throws IOException {
        Path in = write("nonconvex.json", """
                [{"Q": [[1, 0], [0, 1]], "p": [1, 1]},
                 {"Q": [[-2.28, 0], [0, 1.42]], "p": [0, 0], "G": [[1, 0], [-1, 0]], "h": [1, 1]}]""");
        assertRefused(solve(in), ExitCodes.USAGE, "nonconvex.json: $[1].Q: not positive semidefinite");
    }

    // ---- messages

    @Test
    void shapeErrorsNameThePathAndTheRightSize() throws IOException {
        Path in = write("shape.json", "{\"p\": [1, 2], \"G\": [[1, 0], [0, 1]], \"h\": [1, 2, 3]}");
        assertRefused(solve(in), ExitCodes.USAGE,
                "shape.json: $.h: shape is 3×1, expected 2×1 (a vector of m = 2, the rows of G)");
        Path batched = write("batched.json", "{\"p\": [[1, 2], [3, 4]], \"Q\": [[[1, 0], [0, 1]], [[1, 2], [3, 1]]]}");
        assertRefused(solve(batched), ExitCodes.USAGE, "batched.json: $.Q[1]: not symmetric");
    }

    @Test
    void jacksonsSettingsNeverReachTheUser() throws IOException {
        CliRun plus = solve(write("plus.json", "{\"p\": [+1, 2]}"));
        assertRefused(plus, ExitCodes.USAGE, "$.p[0]: invalid JSON at line 1, column 9", "plus signs");
        CliRun longNumber = solve(write("long.json", "{\"p\": [1" + "0".repeat(2000) + "]}"));
        assertRefused(longNumber, ExitCodes.USAGE, "$.p[0]: invalid JSON at line 1, column 2011",
                "a number of 2001 characters, more than the 1000 accepted");
        CliRun comment = solve(write("comment.json", "{\"p\": [1, 2] /* x */}"));
        assertRefused(comment, ExitCodes.USAGE, "comments are not allowed in JSON");
        for (CliRun run : new CliRun[] {plus, longNumber, comment}) {
            assertFalse(run.err().contains("`") || run.err().contains("Feature") || run.err().contains("Source"),
                    run.err());
        }
    }

    @Test
    void deepNestingIsReportedWithAShortPathAndAPlace() throws IOException {
        Path in = write("deep.json", "{\"p\": " + "[".repeat(3000) + "]".repeat(3000) + "}");
        CliRun run = solve(in);
        assertRefused(run, ExitCodes.USAGE, "deep.json: $.p[0][0][0][0][0][0][0]…(1001 levels): invalid JSON at line 1",
                "nested more than 1000 deep");
        assertTrue(run.err().length() < 300, run.err());
    }

    @Test
    void controlCharactersFromTheFileAreEscapedInMessages() throws IOException {
        // A legal JSON key holding ESC [ 3 1 m (a terminal colour) and a line break.
        Path in = write("esc.json", "{\"p\": [1, 2], \"x\\u001b[31m\\nforged\": 1}");
        CliRun run = solve(in);
        assertRefused(run, ExitCodes.USAGE, "\\x1B[31m\\x0Aforged", "unknown key");
        assertFalse(run.err().chars().anyMatch(c -> c == 0x1B), run.err());
        assertEquals("a\\x00b\\u202Ec", ErrorReporter.printable("a\u0000b\u202Ec"));
    }

    @Test
    void invalidUtf8IsRefusedNotDecodedLeniently() throws IOException {
        // C1 B0 is an overlong encoding of 'p': Jackson alone read it as "p" and solved.
        byte[] overlong = "{\"\u00C1\u00B0\": [1, 2]}".getBytes(StandardCharsets.ISO_8859_1);
        Path in = Files.write(dir.resolve("overlong.json"), overlong);
        assertRefused(solve(in), ExitCodes.USAGE, "overlong.json: $: not UTF-8 at line 1, byte 3 of the line (0xC1)");
        // A byte-order mark is fine.
        Path bom = Files.write(dir.resolve("bom.json"), concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF},
                "{\"Q\": [[1]], \"p\": [1]}".getBytes(StandardCharsets.UTF_8)));
        assertEquals(ExitCodes.OK, solve(bom).code());
        Files.delete(dir.resolve("solution.json"));
        // Zero bytes pass the UTF-8 check (the fuzz suite once found it throwing there) and are "empty".
        assertRefused(solve(Files.write(dir.resolve("zero.json"), new byte[0])), ExitCodes.USAGE,
                "zero.json: $: the file is empty");
    }

    // ---- files and options

    @Test
    void aLongOutputNameIsWritten() throws IOException {
        Path out = dir.resolve("s".repeat(245) + ".json"); // 250 characters, legal on every common file system
        CliRun run = CliRun.of("solve", "--in", example().toString(), "--out", out.toString());
        assertEquals(ExitCodes.OK, run.code(), run.toString());
        assertTrue(Files.size(out) > 0);
        try (var left = Files.list(dir)) {
            assertEquals(1, left.count(), "no temporary file left behind");
        }
    }

    @Test
    void aReadOnlyOutputDirectoryIsRefusedBeforeSolving() throws IOException {
        Path locked = Files.createDirectory(dir.resolve("locked"));
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            // Root ignores permission bits; sysfs takes no new files even from root.
            Path target = !Files.isWritable(locked) ? locked.resolve("s.json") : Path.of("/sys/diffqp-solution.json");
            Assumptions.assumeTrue(Files.isDirectory(target.getParent()), "no read-only directory to try here");
            CliRun run = CliRun.of("solve", "--in", example().toString(), "--out", target.toString());
            assertEquals(ExitCodes.USAGE, run.code(), run.toString());
            assertTrue(run.err().contains("cannot create files in directory") && run.out().isEmpty(), run.toString());
            assertFalse(Files.exists(target));
        } finally {
            Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    void aSymlinkedOutputIsWrittenThroughTheLink() throws IOException {
        Path target = write("real.json", "old");
        Path link = Files.createSymbolicLink(dir.resolve("link.json"), target.getFileName());
        CliRun run = CliRun.of("solve", "--in", example().toString(), "--out", link.toString());
        assertEquals(ExitCodes.OK, run.code(), run.toString());
        assertTrue(Files.isSymbolicLink(link), "the link is still a link");
        JsonNode solution = JsonFiles.MAPPER.readTree(target.toFile());
        assertEquals(3, solution.get("x").size(), "the file it points to holds the solution");
    }

    @Test
    void aFlatGradientIsAcceptedForAOneProblemQpsFile() throws IOException {
        Path in = write("one.qps", """
                NAME          ONE
                ROWS
                 N  obj
                 L  c1
                COLUMNS
                    x1        obj       -1.0         c1        1.0
                    x2        obj       -1.0         c1        1.0
                RHS
                    rhs       c1        1.0
                QUADOBJ
                    x1        x1        1.0
                    x2        x2        1.0
                ENDATA
                """);
        Path grad = write("grad.json", "{\"dl_dx\": [1, 0]}");
        Path out = dir.resolve("solution.json");
        CliRun run = CliRun.of("solve", "--in", in.toString(), "--grad", grad.toString(), "--out", out.toString());
        assertEquals(ExitCodes.OK, run.code(), run.toString());
        // min ½|x|² − x1 − x2 s.t. x1 + x2 ≤ 1: x = (½, ½), λ = ½; dℓ/dp = −(∂x/∂p)ᵀ e1 with the active row.
        JsonNode sol = JsonFiles.MAPPER.readTree(out.toFile()).get(0);
        assertEquals(0.5, sol.get("x").get(0).doubleValue(), 1e-9);
        assertEquals(-0.5, sol.get("dp").get(0).doubleValue(), 1e-8);
        assertEquals(0.5, sol.get("dp").get(1).doubleValue(), 1e-8);
    }

    private static Path example() {
        return ExampleFilesTest.examples().resolve("small-batch.json");
    }

    private static String zeros(int n) {
        return IntStream.range(0, n).mapToObj(i -> "0").collect(Collectors.joining(","));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
