package io.github.diffqp.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An inference request of the Open Inference Protocol, read from its JSON body:
 * <pre>{@code
 * {"id": "7", "parameters": {"tolerance": 1e-9, "max_iterations": 50, "timeout_ms": 500},
 *  "inputs": [{"name": "p", "datatype": "FP64", "shape": [2, 3], "data": [1, 2, 3, 4, 5, 6]}, ...],
 *  "outputs": [{"name": "x"}]}
 * }</pre>
 * Only the structure is checked here (every fault named by its tensor or field); whether the tensors make
 * a problem is the {@link QpModel}'s question.
 *
 * @param id             echoed in the response; null when absent
 * @param inputs         by name, in the request's order
 * @param outputs        the outputs asked for, or empty for all of the model's
 * @param tolerance      the {@code tolerance} parameter, or null
 * @param maxIterations  the {@code max_iterations} parameter, or null
 * @param timeoutMillis  the {@code timeout_ms} parameter, or null
 */
record InferRequest(String id, Map<String, Tensor> inputs, Set<String> outputs, Double tolerance,
                    Integer maxIterations, Long timeoutMillis) {

    /** Strict, as the problem files are read: a repeated key or text after the document is a fault. */
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /** The datatype of every input and of the outputs but {@code iterations} and {@code status}. */
    static final String FP64 = "FP64";

    /**
     * One input tensor: {@code data} flat in row-major order (nested arrays are flattened the same way).
     *
     * @param shape each axis's length
     */
    record Tensor(String name, int[] shape, double[] data) {
        /** The number of axes. */
        int rank() {
            return shape.length;
        }
    }

    static InferRequest parse(byte[] body) {
        JsonNode root;
        try {
            root = MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw RequestException.badRequest("invalid JSON: " + e.getOriginalMessage()
                    + (e.getLocation() != null ? " at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() : ""));
        } catch (IOException e) {
            throw RequestException.badRequest("unreadable body: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw RequestException.badRequest("the body must be a JSON object with \"inputs\"");
        }
        String id = null;
        JsonNode idNode = root.get("id");
        if (idNode != null && !idNode.isNull()) {
            if (!idNode.isTextual()) {
                throw RequestException.badRequest("\"id\" must be a string");
            }
            id = idNode.textValue();
        }
        JsonNode inputsNode = root.get("inputs");
        if (inputsNode == null || !inputsNode.isArray() || inputsNode.isEmpty()) {
            throw RequestException.badRequest("\"inputs\" must be a non-empty array of tensors");
        }
        Map<String, Tensor> inputs = new LinkedHashMap<>();
        for (int k = 0; k < inputsNode.size(); k++) {
            Tensor t = tensor(inputsNode.get(k), k);
            if (inputs.put(t.name(), t) != null) {
                throw RequestException.badRequest("input " + t.name() + " is given twice");
            }
        }
        Set<String> outputs = new LinkedHashSet<>();
        JsonNode outputsNode = root.get("outputs");
        if (outputsNode != null && !outputsNode.isNull()) {
            if (!outputsNode.isArray()) {
                throw RequestException.badRequest("\"outputs\" must be an array of {\"name\": ...}");
            }
            for (JsonNode o : outputsNode) {
                JsonNode name = o.get("name");
                if (name == null || !name.isTextual()) {
                    throw RequestException.badRequest("every entry of \"outputs\" needs a \"name\" string");
                }
                outputs.add(name.textValue());
            }
        }
        JsonNode params = root.get("parameters");
        Double tolerance = null;
        Integer maxIterations = null;
        Long timeout = null;
        if (params != null && !params.isNull()) {
            if (!params.isObject()) {
                throw RequestException.badRequest("\"parameters\" must be an object");
            }
            JsonNode tol = params.get("tolerance");
            if (tol != null) {
                if (!tol.isNumber() || !(tol.doubleValue() > 0 && tol.doubleValue() < 1)) {
                    throw RequestException.badRequest("parameter tolerance must be a number in (0, 1), got " + tol);
                }
                tolerance = tol.doubleValue();
            }
            JsonNode iters = params.get("max_iterations");
            if (iters != null) {
                if (!iters.canConvertToInt() || !iters.isIntegralNumber() || iters.intValue() < 1 || iters.intValue() > 10_000) {
                    throw RequestException.badRequest("parameter max_iterations must be an integer in 1..10000, got " + iters);
                }
                maxIterations = iters.intValue();
            }
            JsonNode ms = params.get("timeout_ms");
            if (ms != null) {
                if (!ms.isIntegralNumber() || !ms.canConvertToLong() || ms.longValue() < 1) {
                    throw RequestException.badRequest("parameter timeout_ms must be a positive integer, got " + ms);
                }
                timeout = ms.longValue();
            }
        }
        return new InferRequest(id, inputs, outputs, tolerance, maxIterations, timeout);
    }

    private static Tensor tensor(JsonNode node, int index) {
        String where = "input " + index;
        if (node == null || !node.isObject()) {
            throw RequestException.badRequest(where + ": a tensor must be an object with name, datatype, shape, data");
        }
        JsonNode nameNode = node.get("name");
        if (nameNode == null || !nameNode.isTextual()) {
            throw RequestException.badRequest(where + ": \"name\" must be a string");
        }
        String name = nameNode.textValue();
        where = "input " + name;
        JsonNode datatype = node.get("datatype");
        if (datatype == null || !FP64.equals(datatype.asText(null))) {
            throw RequestException.badRequest(where + ": datatype must be " + FP64 + ", got "
                    + (datatype == null ? "none" : datatype.toString()));
        }
        JsonNode shapeNode = node.get("shape");
        if (shapeNode == null || !shapeNode.isArray()) {
            throw RequestException.badRequest(where + ": \"shape\" must be an array of axis lengths");
        }
        int[] shape = new int[shapeNode.size()];
        long count = 1;
        for (int a = 0; a < shape.length; a++) {
            JsonNode len = shapeNode.get(a);
            if (!len.isIntegralNumber() || !len.canConvertToInt() || len.intValue() < 0) {
                throw RequestException.badRequest(where + ": shape " + shapeNode + " has a bad axis length " + len);
            }
            shape[a] = len.intValue();
            count = Math.min(count * shape[a], Integer.MAX_VALUE);
        }
        JsonNode dataNode = node.get("data");
        if (dataNode == null || !dataNode.isArray()) {
            throw RequestException.badRequest(where + ": \"data\" must be an array of numbers");
        }
        List<JsonNode> leaves = new ArrayList<>();
        flatten(dataNode, leaves, where);
        if (leaves.size() != count) {
            throw RequestException.badRequest(where + ": shape " + describe(shape) + " needs " + count + " values, data has "
                    + leaves.size());
        }
        double[] data = new double[leaves.size()];
        for (int k = 0; k < data.length; k++) {
            data[k] = leaves.get(k).doubleValue();
        }
        return new Tensor(name, shape, data);
    }

    /** A shape as the error messages write it: {@code [2, 3]}. */
    static String describe(int[] shape) {
        StringBuilder sb = new StringBuilder("[");
        for (int a = 0; a < shape.length; a++) {
            sb.append(a > 0 ? ", " : "").append(shape[a]);
        }
        return sb.append(']').toString();
    }

    private static void flatten(JsonNode array, List<JsonNode> into, String where) {
        for (Iterator<JsonNode> it = array.elements(); it.hasNext(); ) {
            JsonNode v = it.next();
            if (v.isArray()) {
                flatten(v, into, where);
            } else if (v.isNumber()) {
                into.add(v);
            } else {
                throw RequestException.badRequest(where + ": data value " + into.size() + " is not a number: " + v);
            }
        }
    }
}
