package io.github.diffqp.cli;

import org.openlca.npy.Npy;
import org.openlca.npy.NpyArray;
import org.openlca.npy.NpyDataType;
import org.openlca.npy.NpyFormatException;
import org.openlca.npy.NpyHeader;
import org.openlca.npy.dict.NpyHeaderDict;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * NumPy's files (docs/DESIGN.md §6.6): {@code .npy} arrays and {@code .npz} archives of them, read into
 * float64 arrays in row-major order and written from the library's arrays. The format itself is read and
 * written by {@code org.openlca:npy}; this class guards it against hostile files (it checks every size a
 * header declares against the bytes actually there before the library allocates anything, so that a
 * corrupt or truncated file is refused instead of read as zeros), widens float32, float16 and integer
 * arrays to float64, and turns column-major (Fortran-order) arrays into row-major ones.
 *
 * <p>Every fault of a file's content is an {@link NpzFormatException} naming the file and the array; an
 * {@link IOException} means the file could not be read at all (absent, not permitted).
 */
final class NumpyFiles {
    /** The dtypes widened to float64 without loss of meaning: floats and integers. */
    private static final Set<NpyDataType> REAL = Set.of(NpyDataType.f2, NpyDataType.f4, NpyDataType.f8,
            NpyDataType.i1, NpyDataType.i2, NpyDataType.i4, NpyDataType.i8,
            NpyDataType.u1, NpyDataType.u2, NpyDataType.u4, NpyDataType.u8);
    private static final byte[] NPY_MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final String SUFFIX = ".npy";
    private static final Pattern DIGITS = Pattern.compile("\\d+");
    /** The largest entry read: a Java array's limit, less some headroom. */
    private static final long MAX_ENTRY_BYTES = Integer.MAX_VALUE - 64;

    private NumpyFiles() {
    }

    /** One array: its shape and its values as float64 in row-major (C) order. */
    record Array(String name, int[] shape, double[] values) {
        int ndim() {
            return shape.length;
        }

        int dim(int axis) {
            return shape[axis];
        }

        /** The shape as NumPy prints it: {@code (3, 2, 5)}, {@code (4,)}, {@code ()}. */
        String shapeText() {
            return shapeText(shape);
        }

        static String shapeText(int... shape) {
            if (shape.length == 1) {
                return "(" + shape[0] + ",)";
            }
            StringJoiner joiner = new StringJoiner(", ", "(", ")");
            for (int d : shape) {
                joiner.add(Integer.toString(d));
            }
            return joiner.toString();
        }
    }

    /** True for a name ending in {@code .npz}, in any case. */
    static boolean isArchive(Path file) {
        return extension(file).equals(".npz");
    }

    /** True for a name ending in {@code .npy}, in any case. */
    static boolean isArray(Path file) {
        return extension(file).equals(SUFFIX);
    }

    private static String extension(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot);
    }

    /**
     * Reads every array of an {@code .npz} archive (as {@code numpy.savez} and {@code numpy.savez_compressed}
     * write it), keyed by name without {@code .npy}, in archive order.
     */
    static Map<String, Array> readArchive(Path file) throws IOException {
        String source = file.toString();
        ZipFile zip;
        try {
            zip = new ZipFile(file.toFile());
        } catch (FileSystemException e) {
            throw e; // absent, not permitted, a directory: the file, not its content
        } catch (IOException e) {
            // ZipException mostly, but an end record cut short is an EOFException (found by InputFuzzTest).
            if (startsWithNpyMagic(file)) {
                throw new NpzFormatException(source, "this is an .npy file (one array); an .npz archive of named "
                        + "arrays is needed here (numpy.savez)");
            }
            throw new NpzFormatException(source, "not an .npz archive (a zip of .npy arrays): " + describe(e));
        }
        try (zip) {
            Map<String, Array> arrays = new LinkedHashMap<>();
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                String entryName = entry.getName();
                if (entry.isDirectory() || !entryName.endsWith(SUFFIX)) {
                    throw new NpzFormatException(source, "entry '" + printable(entryName) + "' is not an .npy array");
                }
                String name = entryName.substring(0, entryName.length() - SUFFIX.length());
                if (arrays.containsKey(name)) {
                    throw new NpzFormatException(source, name, "the archive holds two arrays named " + printable(name));
                }
                arrays.put(name, decode(source, printable(name), entryBytes(source, zip, entry, name)));
            }
            return arrays;
        } catch (FileSystemException e) {
            throw e;
        } catch (IOException e) {
            // The central directory was readable but an entry is not (a bad local header, corrupt compressed data).
            throw new NpzFormatException(source, "corrupt .npz archive: " + describe(e));
        }
    }

    /** Reads a single {@code .npy} array, giving it {@code name} for messages. */
    static Array readArray(Path file, String name) throws IOException {
        String source = file.toString();
        long size = Files.size(file);
        requireMemory(source, name, size);
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes((int) Math.min(size, MAX_ENTRY_BYTES));
        }
        return decode(source, name, bytes);
    }

    private static byte[] entryBytes(String source, ZipFile zip, ZipEntry entry, String name) throws IOException {
        long size = entry.getSize();
        if (size < 0) {
            throw new NpzFormatException(source, name, "entry " + printable(entry.getName()) + " does not state its size");
        }
        requireMemory(source, printable(name), size);
        try (InputStream in = zip.getInputStream(entry)) {
            // One byte more than declared, so that an entry longer than its directory says is caught, not read on.
            byte[] bytes = in.readNBytes((int) Math.min(size + 1, MAX_ENTRY_BYTES));
            if (bytes.length != size) {
                throw new NpzFormatException(source, name, "corrupt entry " + printable(entry.getName()) + ": "
                        + (bytes.length > size ? "more" : "only " + bytes.length) + " bytes where the archive "
                        + "directory says " + size);
            }
            return bytes;
        } catch (EOFException e) {
            throw new NpzFormatException(source, name, "corrupt entry " + printable(entry.getName()) + ": it ends early");
        }
    }

    /** Refuses to read what the heap could not hold: the bytes, plus the values as doubles (8 per byte at most). */
    private static void requireMemory(String source, String name, long bytes) {
        Runtime rt = Runtime.getRuntime();
        long free = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        if (bytes > MAX_ENTRY_BYTES || bytes > free / 2) {
            throw new NpzFormatException(source, name, name + " takes " + bytes + " bytes, more than can be read into "
                    + "the " + free + " bytes of memory free (raise -Xmx)");
        }
    }

    /** Decodes one NPY array after checking its header against the bytes there. */
    private static Array decode(String source, String name, byte[] bytes) {
        NpyHeader header = header(source, name, bytes);
        NpyHeaderDict dict = header.dict();
        NpyDataType type = dict.dataType();
        if (!REAL.contains(type)) {
            throw new NpzFormatException(source, name, name + " has dtype " + dtypeName(dict)
                    + "; expected float64 (float32 and integer arrays are widened)");
        }
        int[] shape = dict.shape();
        long count = 1;
        for (int d : shape) {
            // Each dimension is checked against the bytes before the product, which therefore cannot overflow.
            if (d < 0 || d > bytes.length) {
                throw new NpzFormatException(source, name, name + " declares shape " + Array.shapeText(shape)
                        + ", more than its " + bytes.length + " bytes hold");
            }
            count *= d;
            if (count > bytes.length) {
                throw new NpzFormatException(source, name, name + " declares shape " + Array.shapeText(shape)
                        + ", more than its " + bytes.length + " bytes hold");
            }
        }
        long dataBytes = bytes.length - header.dataOffset();
        long expected = count * type.size();
        if (dataBytes != expected) {
            throw new NpzFormatException(source, name, name + " is " + (dataBytes < expected ? "truncated" : "corrupt")
                    + ": shape " + Array.shapeText(shape) + " of " + dtypeName(dict) + " needs " + expected
                    + " bytes of data, the file holds " + dataBytes);
        }
        NpyArray<?> array = Npy.read(Channels.newChannel(new ByteArrayInputStream(bytes)));
        double[] values = array.asDoubleArray().data();
        if (dict.hasFortranOrder() && shape.length > 1) {
            values = toRowMajor(values, shape);
        }
        return new Array(name, shape, values);
    }

    /** The header, once it is certain to lie within the bytes (the library trusts its declared length). */
    private static NpyHeader header(String source, String name, byte[] bytes) {
        if (bytes.length < 12 || !Arrays.equals(bytes, 0, NPY_MAGIC.length, NPY_MAGIC, 0, NPY_MAGIC.length)) {
            throw new NpzFormatException(source, name, name + " is not an NPY array (no \\x93NUMPY header)");
        }
        int major = bytes[6] & 0xff;
        long headerLength = major == 1 ? (bytes[8] & 0xff) | (bytes[9] & 0xff) << 8
                : (bytes[8] & 0xffL) | (bytes[9] & 0xffL) << 8 | (bytes[10] & 0xffL) << 16 | (bytes[11] & 0xffL) << 24;
        long dataOffset = (major == 1 ? 10 : 12) + headerLength;
        if (dataOffset > bytes.length) {
            throw new NpzFormatException(source, name, name + " is truncated: its header says " + headerLength
                    + " bytes, the file holds " + bytes.length + " in all");
        }
        // The library casts each dimension to int, so 2³² + 3 would pass as 3: refuse any number that large.
        String text = new String(bytes, major == 1 ? 10 : 12, (int) headerLength, StandardCharsets.ISO_8859_1);
        Matcher number = DIGITS.matcher(text);
        while (number.find()) {
            if (number.group().length() > 10 || Long.parseLong(number.group()) > Integer.MAX_VALUE) {
                throw new NpzFormatException(source, name, name + " declares a dimension of " + number.group()
                        + ", beyond what can be read");
            }
        }
        try {
            return NpyHeader.read(new ByteArrayInputStream(bytes));
        } catch (NpyFormatException e) {
            String detail = e.getMessage() == null ? "unreadable" : e.getMessage();
            String hint = detail.startsWith("unsupported data type") ? "; expected float64 (float32 and integer arrays "
                    + "are widened)" : "";
            throw new NpzFormatException(source, name, name + ": " + printable(detail) + hint);
        } catch (IOException e) {
            throw new IllegalStateException("reading from memory failed", e); // no real I/O happens here
        }
    }

    /** The dtype in NumPy's words where they differ from the descr code. */
    private static String dtypeName(NpyHeaderDict dict) {
        return switch (dict.dataType()) {
            case bool -> "bool";
            case S -> "bytes (S" + dict.typeSize() + ")";
            case U -> "str (U" + dict.typeSize() + ")";
            default -> dict.dataType().symbol();
        };
    }

    /** Column-major values of {@code shape} reordered row-major: the first index runs fastest in the input. */
    private static double[] toRowMajor(double[] columnMajor, int[] shape) {
        double[] rowMajor = new double[columnMajor.length];
        int[] index = new int[shape.length];
        for (int k = 0; k < rowMajor.length; k++) {
            // k is the row-major position of index; find its column-major position.
            int position = 0;
            for (int axis = shape.length - 1; axis >= 0; axis--) {
                position = position * shape[axis] + index[axis];
            }
            rowMajor[k] = columnMajor[position];
            for (int axis = shape.length - 1; axis >= 0 && ++index[axis] == shape[axis]; axis--) {
                index[axis] = 0;
            }
        }
        return rowMajor;
    }

    /** An exception's message, or its kind where it has none (an EOFException usually has none). */
    private static String describe(IOException e) {
        if (e instanceof EOFException) {
            return "it ends early";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : printable(e.getMessage());
    }

    private static boolean startsWithNpyMagic(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return Arrays.equals(in.readNBytes(NPY_MAGIC.length), NPY_MAGIC);
        } catch (IOException e) {
            return false;
        }
    }

    /** A name or message from the file, its control characters escaped so that they do not reach a terminal. */
    static String printable(String text) {
        StringBuilder b = new StringBuilder(text.length());
        text.codePoints().forEach(c -> {
            if (Character.isISOControl(c) || c == 0x2028 || c == 0x2029) {
                b.append(String.format("\\x%02x", c));
            } else {
                b.appendCodePoint(c);
            }
        });
        return b.toString();
    }

    // ---- writing ----

    /**
     * Writes {@code arrays} as an {@code .npz} archive, each as {@code <name>.npy}, atomically (see
     * {@link JsonFiles#writeBytesAtomically}).
     */
    static void writeArchive(Path target, Map<String, NpyArray<?>> arrays) throws IOException {
        JsonFiles.writeBytesAtomically(target, out -> {
            ZipOutputStream zip = new ZipOutputStream(out);
            for (Map.Entry<String, NpyArray<?>> e : arrays.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey() + SUFFIX));
                writeArray(zip, e.getValue());
                zip.closeEntry();
            }
            zip.finish();
        });
    }

    private static void writeArray(OutputStream out, NpyArray<?> array) throws IOException {
        try {
            Npy.write(out, array);
        } catch (RuntimeException e) {
            // The library wraps the I/O failure (a full disk, say); hand it on as what it is.
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw e;
        }
    }
}
