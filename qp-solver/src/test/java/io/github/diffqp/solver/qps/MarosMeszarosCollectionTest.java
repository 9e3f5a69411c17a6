package io.github.diffqp.solver.qps;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Reads every file of a copy of the whole Maros–Meszaros collection (138 files, about 90 MB, not kept in the
 * repository), named by {@code -Ddiffqp.mm.dir=DIR} or {@code DIFFQP_MM_DIR}; without one it reads the repository's
 * subset of 30 files (the test module's resources), so it runs on every checkout. Files end in
 * {@code .QPS} or {@code .SIF} (the CUTEr mirror's name for the same text).
 *
 * <p>Each file's dimensions are checked against its own CUTEr classification comment
 * ({@code * classification QLR2-AN-421-161}: 421 variables, 161 constraint rows), which comes from the
 * collection, not from this reader. Files are only scanned ({@link QpsReader#dimensions}), never built
 * densely: the largest have 90,000 variables.
 */
class MarosMeszarosCollectionTest {
    private static final Pattern CLASSIFICATION = Pattern.compile("^\\*\\s+classification\\s+\\S+-\\S+-(\\d+)-(\\d+)");

    private static Path collection() {
        String named = System.getProperty("diffqp.mm.dir", System.getenv("DIFFQP_MM_DIR"));
        if (named != null && !named.isBlank()) {
            Path dir = Path.of(named);
            assertTrue(Files.isDirectory(dir), "diffqp.mm.dir / DIFFQP_MM_DIR names no folder: " + dir);
            return dir;
        }
        // The repository's own subset (30 files, kept by the test module): present on every checkout.
        Path subset = Path.of("../test/src/test/resources/maros-meszaros");
        assertTrue(Files.isDirectory(subset), "missing " + subset.toAbsolutePath());
        return subset;
    }

    private static List<Path> problemFiles(Path dir) throws IOException {
        try (Stream<Path> listing = Files.list(dir)) {
            return listing.filter(f -> {
                String name = f.getFileName().toString().toUpperCase(Locale.ROOT);
                return name.endsWith(".QPS") || name.endsWith(".SIF");
            }).sorted().toList();
        }
    }

    /** {variables, constraint rows} from the file's classification comment, or null when it has none. */
    private static int[] classifiedDimensions(Path file) throws IOException {
        try (Stream<String> lines = Files.lines(file, StandardCharsets.ISO_8859_1)) {
            return lines.limit(40).map(CLASSIFICATION::matcher).filter(Matcher::find).findFirst()
                    .map(m -> new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))}).orElse(null);
        }
    }

    @Test
    void everyFileParsesWithItsClassifiedDimensions() throws IOException {
        Path dir = collection();
        List<Path> files = problemFiles(dir);
        assertFalse(files.isEmpty(), "no .QPS or .SIF file in " + dir);
        List<String> fixedFormat = new ArrayList<>();
        int checked = 0;
        for (Path file : files) {
            QpsDimensions dims = QpsReader.dimensions(file);
            String problem = file.getFileName().toString().replaceFirst("\\.[^.]*$", "");
            assertEquals(problem, dims.name(), file.toString());
            int[] classified = classifiedDimensions(file);
            if (classified != null) {
                assertEquals(classified[0], dims.variables(), problem + " variables");
                assertEquals(classified[1], dims.constraintRows(), problem + " constraint rows");
                checked++;
            }
            if (dims.fixedFormatLine() > 0) {
                fixedFormat.add(problem);
            }
        }
        assertTrue(checked > 0, "no file in " + dir + " carries a classification comment");
        // Only QFORPLAN has names with spaces; every other file reads the same in either format.
        assertEquals(files.stream().anyMatch(f -> f.getFileName().toString().startsWith("QFORPLAN."))
                ? List.of("QFORPLAN") : List.of(), fixedFormat);
    }

    @Test
    void qforplanIsReadByItsColumns() throws IOException {
        Path dir = collection();
        Path file = problemFiles(dir).stream().filter(f -> f.getFileName().toString().startsWith("QFORPLAN."))
                .findFirst().orElse(null);
        assumeTrue(file != null, "QFORPLAN is not in " + dir);
        QpsModel model = QpsReader.read(file);
        assertEquals(421, model.problem().n());
        assertTrue(model.rowNames().contains("DEDO3 1R"), "row 'DEDO3 1R'");
        assertTrue(model.variableNames().contains("DEDO3 11"), "column 'DEDO3 11'");
        assertEquals(19, QpsReader.dimensions(file).fixedFormatLine()); // ' E  DEDO3 1R', the first such name
        model.problem().asBatch(); // finite, symmetric Q, consistent shapes
    }
}
