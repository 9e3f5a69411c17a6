package io.github.diffqp.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Atomic writing and the printed layout. */
class JsonFilesTest {

    @Test
    void aWriteThatFailsHalfWayLeavesNoFile(@TempDir Path dir) throws IOException {
        Path target = dir.resolve("out.json");
        IOException e = assertThrows(IOException.class, () -> JsonFiles.writeAtomically(target, out -> {
            out.write("{\"x\": [1, 2, ");
            out.flush();
            throw new IOException("disk full");
        }));
        assertEquals("disk full", e.getMessage());
        assertEquals(List.of(), list(dir)); // neither the target nor the temporary file
    }

    @Test
    void aFailedWriteLeavesAnOldFileAsItWas(@TempDir Path dir) throws IOException {
        Path target = Files.writeString(dir.resolve("out.json"), "old");
        assertThrows(IllegalStateException.class, () -> JsonFiles.writeAtomically(target, out -> {
            out.write("new, half");
            throw new IllegalStateException("bug");
        }));
        assertEquals("old", Files.readString(target));
        assertEquals(List.of("out.json"), list(dir));
    }

    @Test
    void aTargetThatCannotBeReplacedLeavesNoTemporaryFile(@TempDir Path dir) throws IOException {
        Path target = Files.createDirectory(dir.resolve("taken"));
        Files.writeString(target.resolve("inside"), "x"); // a non-empty directory cannot be renamed over
        assertThrows(IOException.class, () -> JsonFiles.writeAtomically(target, JsonNodeFactory.instance.objectNode()));
        assertEquals(List.of("taken"), list(dir));
    }

    @Test
    void aMissingDirectoryFailsWithoutWriting(@TempDir Path dir) {
        Path target = dir.resolve("no/such/dir/out.json");
        assertThrows(NoSuchFileException.class, () -> JsonFiles.writeAtomically(target, JsonNodeFactory.instance.objectNode()));
        assertFalse(Files.exists(target));
    }

    @Test
    void aSuccessfulWriteReplacesTheOldFile(@TempDir Path dir) throws IOException {
        Path target = Files.writeString(dir.resolve("out.json"), "old");
        ObjectNode tree = JsonNodeFactory.instance.objectNode().put("a", 1);
        JsonFiles.writeAtomically(target, tree);
        assertEquals("{\n  \"a\": 1\n}\n", Files.readString(target));
        assertEquals(List.of("out.json"), list(dir));
    }

    @Test
    void layoutKeepsRowsOnOneLine() {
        ObjectNode tree = JsonNodeFactory.instance.objectNode();
        tree.set("x", Trees.nested(new double[] {1, 2, 3, 4}, 0, 2, 2));
        tree.set("e", Trees.nested(new double[0], 0, 0));
        tree.put("s", "a \"quoted\" word");
        tree.set("o", JsonNodeFactory.instance.objectNode());
        assertEquals("""
                {
                  "x": [
                    [1.0, 2.0],
                    [3.0, 4.0]
                  ],
                  "e": [],
                  "s": "a \\"quoted\\" word",
                  "o": {}
                }
                """, JsonPrinter.toString(tree));
    }

    private static List<String> list(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }
}
