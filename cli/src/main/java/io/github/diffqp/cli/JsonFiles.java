package io.github.diffqp.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

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

    /** Parses a file into a tree; invalid JSON becomes a {@link JsonFormatException} with path, line and column. */
    static JsonNode readTree(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return checked(() -> MAPPER.readTree(in));
        }
    }

    /** Parses text into a tree; invalid JSON becomes a {@link JsonFormatException} with path, line and column. */
    public static JsonNode parseTree(String json) {
        try {
            return checked(() -> MAPPER.readTree(json));
        } catch (IOException e) {
            throw new IllegalStateException("reading a string failed", e); // no real I/O happens here
        }
    }

    private interface TreeSource {
        JsonNode read() throws IOException;
    }

    private static JsonNode checked(TreeSource source) throws IOException {
        JsonNode root;
        try {
            root = source.read();
        } catch (JsonProcessingException e) {
            String path = e.getProcessor() instanceof JsonParser parser ? JsonPath.of(parser.getParsingContext())
                    : JsonPath.ROOT;
            int line = e.getLocation() == null ? -1 : e.getLocation().getLineNr();
            int column = e.getLocation() == null ? -1 : e.getLocation().getColumnNr();
            String where = line > 0 ? " at line " + line + ", column " + column : "";
            throw new JsonFormatException(path, "invalid JSON" + where + ": " + plain(e.getOriginalMessage()), line, column);
        }
        if (root == null || root.isMissingNode()) {
            throw new JsonFormatException(JsonPath.ROOT, "the file is empty");
        }
        return root;
    }

    /** Jackson's message, minus advice about its own settings, which a user of the CLI cannot follow. */
    private static String plain(String message) {
        if (message == null) {
            return "unreadable";
        }
        if (message.startsWith("Trailing token")) {
            return "unexpected text after the end of the document";
        }
        int advice = message.indexOf(": enable `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS`");
        if (advice >= 0) {
            return message.substring(0, advice) + ": NaN and infinities are not accepted";
        }
        return message;
    }

    /** Something that writes a file's content; may fail part way. */
    interface Content {
        void writeTo(Writer out) throws IOException;
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
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        Path temp = null;
        FileChannel channel = null;
        // Created by hand rather than with Files.createTempFile, whose owner-only permissions the
        // finished file would keep; CREATE_NEW applies the usual umask.
        for (int attempt = 0; channel == null; attempt++) {
            temp = dir.resolve("." + absolute.getFileName() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong())
                    + ".tmp");
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
            try (FileChannel ch = channel;
                 Writer out = new BufferedWriter(new OutputStreamWriter(Channels.newOutputStream(ch), StandardCharsets.UTF_8))) {
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
