package io.github.diffqp.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The guard {@link NumpyFiles} puts in front of the NPY library: NumPy's own files read right (a column-major
 * 3-d array), and headers that claim more than the file holds refused before anything is allocated. Without
 * the guard the library reads a truncated array as zeros and allocates whatever a header declares.
 */
class NumpyFilesTest {
    @TempDir
    Path dir;

    private static byte[] gradientNpy() throws IOException {
        return Files.readAllBytes(NpzInputTest.FIXTURES.resolve("dl_dx.npy")); // (3, 3) float64, 72 bytes of data
    }

    private String refusal(byte[] npy) throws IOException {
        Path file = Files.write(dir.resolve("a.npy"), npy);
        NpzFormatException e = assertThrows(NpzFormatException.class, () -> NumpyFiles.readArray(file, "dl_dx"));
        assertEquals("dl_dx", e.array(), "the array at fault");
        return e.getMessage().replace(dir + File.separator, "");
    }

    /** The header text replaced, padding spaces taken off so that the data stay where they were. */
    private static byte[] withHeader(byte[] npy, String from, String to) {
        String text = new String(npy, StandardCharsets.ISO_8859_1);
        int grow = to.length() - from.length();
        String edited = text.replace(from, to).replace(" ".repeat(grow) + "\n", "\n");
        assertEquals(text.length(), edited.length(), "the header keeps its length");
        return edited.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void aColumnMajorArrayIsReadInRowMajorOrder() throws IOException {
        NumpyFiles.Array a = NumpyFiles.readArray(NpzInputTest.FIXTURES.resolve("fortran-3d.npy"), "a");
        assertArrayEquals(new int[] {2, 3, 4}, a.shape());
        assertArrayEquals(IntStream.range(0, 24).asDoubleStream().toArray(), a.values(), "numpy.arange(24.0).reshape(2, 3, 4)");
    }

    @Test
    void truncatedDataAreRefusedNotReadAsZeros() throws IOException {
        byte[] npy = gradientNpy();
        assertEquals("a.npy: dl_dx is truncated: shape (3, 3) of f8 needs 72 bytes of data, the file holds 64",
                refusal(Arrays.copyOf(npy, npy.length - 8)));
        byte[] longer = Arrays.copyOf(npy, npy.length + 8);
        assertEquals("a.npy: dl_dx is corrupt: shape (3, 3) of f8 needs 72 bytes of data, the file holds 80",
                refusal(longer));
    }

    @Test
    void aHeaderLongerThanTheFileIsRefused() throws IOException {
        byte[] npy = gradientNpy();
        npy[8] = (byte) 0xff;
        npy[9] = (byte) 0xff; // version 1.0: a two-byte header length, now 65535
        assertEquals("a.npy: dl_dx is truncated: its header says 65535 bytes, the file holds 200 in all", refusal(npy));
        byte[] v2 = gradientNpy();
        v2[6] = 2; // version 2.0 reads a four-byte length: 0x277b0076, the dict's first two bytes on top
        assertEquals("a.npy: dl_dx is truncated: its header says 662372470 bytes, the file holds 200 in all",
                refusal(v2));
    }

    @Test
    void aShapeBeyondTheFileIsRefusedBeforeAllocating() throws IOException {
        assertEquals("a.npy: dl_dx declares shape (99999999, 3), more than its 200 bytes hold",
                refusal(withHeader(gradientNpy(), "(3, 3)", "(99999999, 3)")));
        // 2³² + 3 becomes 3 in the library's int, and the data would fit.
        assertEquals("a.npy: dl_dx declares a dimension of 4294967299, beyond what can be read",
                refusal(withHeader(gradientNpy(), "(3, 3)", "(4294967299, 3)")));
    }

    @Test
    void theDtypeIsNamedWhenItIsNotARealNumber() throws IOException {
        assertEquals("a.npy: dl_dx has dtype bool; expected float64 (float32 and integer arrays are widened)",
                refusal(withHeader(gradientNpy(), "'<f8'", "'|b1'")));
        assertEquals("a.npy: dl_dx: unsupported data type: <c16; expected float64 (float32 and integer arrays are "
                + "widened)", refusal(withHeader(gradientNpy(), "'<f8'", "'<c16'")));
    }
}
