package io.github.diffqp.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/** Builds nested JSON arrays from row-major contiguous data. */
final class Trees {
    private Trees() {
    }

    /**
     * The nested array of shape {@code dims} whose entries are {@code values[offset ...]}, row-major:
     * {@code nested(v, 0, 2, 3)} is {@code [[v0, v1, v2], [v3, v4, v5]]}. At least one dimension.
     */
    static ArrayNode nested(double[] values, int offset, int... dims) {
        long count = 1;
        for (int d : dims) {
            count *= d;
        }
        if (dims.length == 0 || offset + count > values.length) {
            throw new IllegalArgumentException("need " + count + " values from offset " + offset + ", have "
                    + values.length);
        }
        return build(values, offset, dims, 0);
    }

    private static ArrayNode build(double[] values, int offset, int[] dims, int level) {
        ArrayNode node = JsonNodeFactory.instance.arrayNode(dims[level]);
        if (level == dims.length - 1) {
            for (int i = 0; i < dims[level]; i++) {
                node.add(values[offset + i]);
            }
            return node;
        }
        int stride = 1;
        for (int l = level + 1; l < dims.length; l++) {
            stride *= dims[l];
        }
        for (int i = 0; i < dims[level]; i++) {
            node.add(build(values, offset + i * stride, dims, level + 1));
        }
        return node;
    }

    /** {@code [v0, v1, ...]} of ints. */
    static ArrayNode ints(int[] values) {
        ArrayNode node = JsonNodeFactory.instance.arrayNode(values.length);
        for (int v : values) {
            node.add(v);
        }
        return node;
    }
}
