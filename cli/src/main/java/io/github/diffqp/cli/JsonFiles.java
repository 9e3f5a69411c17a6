package io.github.diffqp.cli;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reading JSON into trees with faults reported by path, and writing files atomically. Public for
 * {@link #parseTree}, which the spark module's JSON Lines job reads each line with, so that a line is held
 * to the same rules and faults read the same as in a problems file.
 */
public final class JsonFiles {
    /**
     * Strict reading: a repeated key or text after the document is a fault, not something to resolve
     * silently (which copy of "p" did the user mean?). NaN and Infinity tokens stay refused (Jackson's
     * default), since they are not JSON.
     */
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private JsonFiles() {
    }

    /**
     * Parses a file into a tree. Bytes that are not UTF-8 and invalid JSON become a
     * {@link JsonFormatException} with path, line and column.
     */
    static JsonNode readTree(Path file) throws IOException {
        long size = Files.size(file);
        if (size > MAX_FILE_BYTES) {
            throw new JsonFormatException(JsonPath.ROOT, String.format(Locale.ROOT,
                    "the file is %,d bytes, more than the %,d a JSON input may have: split it", size, MAX_FILE_BYTES));
        }
        byte[] bytes = Files.readAllBytes(file);
        requireUtf8(bytes);
        return checked(MAPPER.createParser(bytes));
    }

    /** Parses text into a tree; invalid JSON becomes a {@link JsonFormatException} with path, line and column. */
    public static JsonNode parseTree(String json) {
        try {
            return checked(MAPPER.createParser(json));
        } catch (IOException e) {
            throw new IllegalStateException("reading a string failed", e); // no real I/O happens here
        }
    }

    /** The largest JSON input read: a byte array holds it, with room for Jackson's copy of its tokens. */
    static final long MAX_FILE_BYTES = 1L << 30;

    /**
     * Refuses bytes that are not UTF-8, which JSON must be (RFC 8259 §8.1). Jackson's own decoder is lenient:
     * it reads the overlong form C1 B0 as 'p', so a file that no other tool reads as "p" would solve.
     * Java's strict decoder finds the first bad byte; the file is decoded in small pieces, not kept as text.
     */
    static void requireUtf8(byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(8192);
        CoderResult result;
        do {
            out.clear(); // the text is not kept: only the decoder's verdict matters
            result = decoder.decode(in, out, true);
            if (result.isError()) {
                throw notUtf8(bytes, in.position(), result.length());
            }
        } while (result.isOverflow());
        do {
            out.clear();
        } while (decoder.flush(out).isOverflow());
    }

    private static JsonFormatException notUtf8(byte[] bytes, int at, int length) {
        int line = 1, lineStart = 0;
        for (int k = 0; k < at; k++) {
            if (bytes[k] == '\n') {
                line++;
                lineStart = k + 1;
            }
        }
        StringBuilder shown = new StringBuilder();
        for (int k = at; k < Math.min(at + Math.max(length, 1), bytes.length); k++) {
            shown.append(shown.length() == 0 ? "" : " ").append(String.format(Locale.ROOT, "0x%02X", bytes[k] & 0xFF));
        }
        int column = at - lineStart + 1;
        return new JsonFormatException(JsonPath.ROOT, "not UTF-8 at line " + line + ", byte " + column + " of the line ("
                + shown + "): JSON files must be UTF-8 text", line, column);
    }

    private static JsonNode checked(JsonParser parser) throws IOException {
        JsonNode root;
        try (parser) {
            root = MAPPER.readTree(parser);
            if (root != null && parser.nextToken() != null) {
                throw new JsonFormatException(JsonPath.ROOT, "unexpected text after the end of the document at line "
                        + parser.currentLocation().getLineNr() + ", column " + parser.currentLocation().getColumnNr(),
                        parser.currentLocation().getLineNr(), parser.currentLocation().getColumnNr());
            }
        } catch (JsonProcessingException e) {
            // Limits (number length, nesting depth) fail without a location of their own: the parser's is it.
            JsonLocation at = e.getLocation() != null ? e.getLocation() : parser.currentLocation();
            String path = JsonPath.of(parser.getParsingContext());
            int line = at == null ? -1 : at.getLineNr();
            int column = at == null ? -1 : at.getColumnNr();
            String where = line > 0 ? " at line " + line + ", column " + column : "";
            throw new JsonFormatException(path, "invalid JSON" + where + ": " + plain(e.getOriginalMessage()), line, column);
        }
        if (root == null || root.isMissingNode()) {
            throw new JsonFormatException(JsonPath.ROOT, "the file is empty");
        }
        return root;
    }

    private static final Pattern LIMIT = Pattern.compile(
            "(Number value|String value|Name) length \\((\\d+)\\) exceeds the maximum allowed \\((\\d+).*");
    private static final Pattern DEPTH = Pattern.compile(
            "Document nesting depth \\((\\d+)\\) exceeds the maximum allowed \\((\\d+).*");
    /** Advice about Jackson's own settings ("enable `JsonReadFeature.X` to allow"), which a CLI user cannot follow. */
    private static final Pattern ADVICE = Pattern.compile(
            "[:;,]?\\s*(\\(?(enable|from|set) `[^`]*`[^):]*\\)?|\\(not recognized as one since Feature[^)]*\\))");

    /** Jackson's message in the user's terms: what is wrong with the text, never how to configure Jackson. */
    static String plain(String message) {
        if (message == null) {
            return "unreadable";
        }
        if (message.startsWith("Trailing token")) {
            return "unexpected text after the end of the document";
        }
        if (message.contains("ALLOW_NON_NUMERIC_NUMBERS")) {
            return message.substring(0, message.indexOf(':')) + ": NaN and infinities are not accepted";
        }
        Matcher limit = LIMIT.matcher(message);
        if (limit.matches()) {
            String what = switch (limit.group(1)) {
                case "Number value" -> "a number";
                case "String value" -> "a string (or number)";
                default -> "a key";
            };
            return what + " of " + limit.group(2) + " characters, more than the " + limit.group(3) + " accepted";
        }
        Matcher depth = DEPTH.matcher(message);
        if (depth.matches()) {
            return "arrays or objects nested more than " + depth.group(2) + " deep (a problems file needs 4 levels)";
        }
        int source = message.indexOf("\n at [Source");
        String text = source >= 0 ? message.substring(0, source) : message;
        text = ADVICE.matcher(text).replaceAll("");
        return text.replace("JSON spec does not allow", "JSON does not allow")
                .replace("maybe a (non-standard) comment?", "comments are not allowed in JSON").strip();
    }

    /** Something that writes a file's content; may fail part way. */
    interface Content {
        void writeTo(Writer out) throws IOException;
    }

    /**
     * The file a write to {@code target} should replace: the final target of a chain of symbolic links, so
     * that writing "through" a link updates the file it points to instead of replacing the link.
     */
    static Path throughLinks(Path target) throws IOException {
        Path path = target.toAbsolutePath();
        for (int hops = 0; Files.isSymbolicLink(path); hops++) {
            if (hops == 40) {
                throw new IOException("too many levels of symbolic links at '" + target + "'");
            }
            path = path.resolveSibling(Files.readSymbolicLink(path)).normalize();
        }
        return path;
    }

    /**
     * Checks, before any work, that {@code target} can be written the way {@link #writeAtomically} will:
     * its directory (after links) exists and takes a new file. A probe file is created and removed, since
     * permission bits do not tell about read-only mounts or ACLs.
     *
     * @return null when writable, else why not, in one line
     */
    static String whyNotWritable(Path target) {
        Path file;
        try {
            file = throughLinks(target);
        } catch (IOException e) {
            return e.getMessage();
        }
        if (Files.isDirectory(file)) {
            return "it is a directory";
        }
        Path dir = file.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            return "directory '" + dir + "' does not exist";
        }
        try {
            Files.delete(Files.createTempFile(dir, ".diffqp-", ".probe"));
            return null;
        } catch (IOException | SecurityException e) {
            return "cannot create files in directory '" + dir + "'" + (e instanceof java.nio.file.AccessDeniedException
                    ? " (permission denied)" : ": " + e.getMessage());
        }
    }

    /** Something that writes a file's bytes; may fail part way. */
    interface ByteContent {
        void writeTo(OutputStream out) throws IOException;
    }

    /** Writes {@code tree} (see {@link JsonPrinter}) to {@code target} atomically. */
    static void writeAtomically(Path target, JsonNode tree) throws IOException {
        writeAtomically(target, out -> JsonPrinter.print(tree, out));
    }

    /**
     * Writes to a temporary file beside {@code target}, forces it to disk, then renames it into place.
     * A reader never sees half a file, and when anything fails the temporary file is removed and
     * {@code target} is left as it was (absent or old), which is what "nothing is written" means.
     */
    static void writeAtomically(Path target, Content content) throws IOException {
        writeBytesAtomically(target, stream -> {
            Writer out = new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8));
            content.writeTo(out);
            out.flush();
        });
    }

    /** {@link #writeAtomically(Path, Content)} for a binary file (an {@code .npz} solution). */
    static void writeBytesAtomically(Path target, ByteContent content) throws IOException {
        Path absolute = throughLinks(target);
        Path dir = absolute.getParent();
        Path temp = null;
        FileChannel channel = null;
        // Created by hand rather than with Files.createTempFile, whose owner-only permissions the
        // finished file would keep; CREATE_NEW applies the usual umask. The name does not grow with the
        // target's, which may already be as long as the file system allows.
        for (int attempt = 0; channel == null; attempt++) {
            temp = dir.resolve(".diffqp-" + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
            try {
                channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            } catch (FileAlreadyExistsException e) {
                if (attempt >= 10) {
                    throw e;
                }
            }
        }
        boolean done = false;
        try {
            try (FileChannel ch = channel; OutputStream out = Channels.newOutputStream(ch)) {
                content.writeTo(out);
                out.flush();
                ch.force(true); // the data must be on disk before the rename makes it visible
            }
            try {
                Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
            done = true;
        } finally {
            if (!done) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException cleanupFailure) {
                    // The original failure matters more; the stray temp file is hidden (dot-named).
                }
            }
        }
    }
}
