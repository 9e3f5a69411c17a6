package io.github.diffqp.cli;

import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.regex.Pattern;

/** JSONPath strings ({@code $.G[3][1]}) for error messages, and short descriptions of offending values. */
final class JsonPath {
    static final String ROOT = "$";

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final int MAX_QUOTED = 40;
    private static final int MAX_LEVELS_SHOWN = 8;

    private JsonPath() {
    }

    static String key(String parent, String key) {
        if (IDENTIFIER.matcher(key).matches()) {
            return parent + "." + key;
        }
        // Bracket notation keeps odd keys (spaces, dots, quotes) unambiguous.
        return parent + "['" + key.replace("\\", "\\\\").replace("'", "\\'") + "']";
    }

    static String index(String parent, int index) {
        return parent + "[" + index + "]";
    }

    /** The path of the value a streaming parser was reading when it failed. */
    static String of(JsonStreamContext context) {
        Deque<JsonStreamContext> chain = new ArrayDeque<>();
        for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            chain.push(c);
        }
        String path = ROOT;
        int shown = 0;
        for (JsonStreamContext c : chain) {
            if (shown++ == MAX_LEVELS_SHOWN && chain.size() > MAX_LEVELS_SHOWN + 1) {
                // A path thousands of levels deep (a hostile file) helps nobody: its start says where.
                return path + "…(" + chain.size() + " levels)";
            }
            if (c.inArray()) {
                path = index(path, Math.max(c.getCurrentIndex(), 0));
            } else if (c.inObject() && c.getCurrentName() != null) {
                path = key(path, c.getCurrentName());
            }
        }
        return path;
    }

    /** What a value is, for "expected ..., got X" messages: {@code "x"}, {@code 3}, {@code an object}. */
    static String describe(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "nothing";
        }
        if (node.isArray()) {
            return "an array";
        }
        if (node.isObject()) {
            return "an object";
        }
        if (node.isTextual()) {
            String text = node.textValue();
            String shown = text.length() > MAX_QUOTED ? text.substring(0, MAX_QUOTED) + "..." : text;
            return "\"" + shown + "\"";
        }
        return node.toString(); // numbers, true/false, null
    }
}
