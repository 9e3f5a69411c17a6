package io.github.diffqp.cli;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.Iterator;
import java.util.Map;

/**
 * Prints a JSON tree for people and diffs: objects one key per line, an array of numbers on one line,
 * an array of arrays one row per line. Jackson's own pretty printer puts every number on its own line,
 * which makes a 3×729 solution 2,000 lines long.
 *
 * <p>Non-finite doubles (a failed problem may report NaN) have no JSON spelling; they are written as
 * the strings {@code "NaN"}, {@code "Infinity"} and {@code "-Infinity"}, which is also what Jackson does
 * by default and what {@code float(...)} in Python reads back.
 */
final class JsonPrinter {
    private static final String INDENT = "  ";

    private JsonPrinter() {
    }

    static String toString(JsonNode node) {
        StringWriter out = new StringWriter();
        try {
            print(node, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return out.toString();
    }

    /** Prints {@code node} followed by a newline. */
    static void print(JsonNode node, Writer out) throws IOException {
        value(node, out, 0);
        out.write('\n');
    }

    private static void value(JsonNode node, Writer out, int level) throws IOException {
        if (node.isObject()) {
            object(node, out, level);
        } else if (node.isArray()) {
            array(node, out, level);
        } else {
            scalar(node, out);
        }
    }

    private static void object(JsonNode node, Writer out, int level) throws IOException {
        if (node.isEmpty()) {
            out.write("{}");
            return;
        }
        out.write("{\n");
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            indent(out, level + 1);
            quoted(field.getKey(), out);
            out.write(": ");
            value(field.getValue(), out, level + 1);
            out.write(fields.hasNext() ? ",\n" : "\n");
        }
        indent(out, level);
        out.write('}');
    }

    private static void array(JsonNode node, Writer out, int level) throws IOException {
        boolean flat = true;
        for (JsonNode element : node) {
            flat &= element.isValueNode();
        }
        if (flat) {
            out.write('[');
            for (int i = 0; i < node.size(); i++) {
                if (i > 0) {
                    out.write(", ");
                }
                scalar(node.get(i), out);
            }
            out.write(']');
            return;
        }
        out.write("[\n");
        for (int i = 0; i < node.size(); i++) {
            indent(out, level + 1);
            value(node.get(i), out, level + 1);
            out.write(i + 1 < node.size() ? ",\n" : "\n");
        }
        indent(out, level);
        out.write(']');
    }

    private static void scalar(JsonNode node, Writer out) throws IOException {
        if (node.isTextual()) {
            quoted(node.textValue(), out);
        } else if (node.isFloatingPointNumber() && !Double.isFinite(node.doubleValue())) {
            quoted(Double.toString(node.doubleValue()), out);
        } else {
            out.write(node.toString()); // numbers, booleans, null: Jackson's own spelling
        }
    }

    private static void quoted(String text, Writer out) throws IOException {
        out.write('"');
        out.write(JsonStringEncoder.getInstance().quoteAsString(text));
        out.write('"');
    }

    private static void indent(Writer out, int level) throws IOException {
        for (int i = 0; i < level; i++) {
            out.write(INDENT);
        }
    }
}
