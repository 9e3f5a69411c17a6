package io.github.diffqp.serve;

import com.fasterxml.jackson.core.JsonGenerator;
import io.github.diffqp.backward.Gradients;
import io.github.diffqp.backward.Parameter;
import io.github.diffqp.serve.InferRequest.Tensor;

import static io.github.diffqp.serve.InferRequest.FP64;
import io.github.diffqp.solver.Datum;
import io.github.diffqp.solver.InvalidProblemException;
import io.github.diffqp.solver.QpBatch;
import io.github.diffqp.solver.QpSolution;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The two models the server offers (docs/DESIGN.md §6.8): {@code qp} solves, {@code qp-grad} also returns the
 * gradients of a loss given by {@code dl_dx}. Inputs Q, p, G, h, A, b are FP64, row-major; a leading batch axis
 * makes a tensor per problem ({@code [B, n, n]}, {@code [B, n]}), its absence shares it across the request's
 * batch ({@code [n, n]}, {@code [n]}). The tensors are turned into a {@link QpBatch}, whose builder does the
 * validation (shapes, finiteness, symmetry) and names the datum and problem at fault.
 */
enum QpModel {
    QP("qp", List.of(), List.of()),
    QP_GRAD("qp-grad", List.of("dl_dx"), List.of("dQ", "dp", "dG", "dh", "dA", "db"));

    /** The names both models share (a holder class, since an enum's constructor cannot read its static fields). */
    private static final class Names {
        static final List<String> DATA = List.of("Q", "p", "G", "h", "A", "b");
        static final List<String> SOLUTION = List.of("x", "lambda", "nu", "objective", "iterations", "status");
    }

    private final String modelName;
    private final List<String> inputs;
    private final List<String> outputs;

    QpModel(String modelName, List<String> extraInputs, List<String> extraOutputs) {
        this.modelName = modelName;
        this.inputs = concat(Names.DATA, extraInputs);
        this.outputs = concat(Names.SOLUTION, extraOutputs);
    }

    /** The model of that name, or null. */
    static QpModel named(String name) {
        for (QpModel m : values()) {
            if (m.modelName.equals(name)) {
                return m;
            }
        }
        return null;
    }

    String modelName() {
        return modelName;
    }

    /** A request's tensors as a validated batch. */
    QpBatch batch(InferRequest request) {
        for (String name : request.inputs().keySet()) {
            if (!inputs.contains(name)) {
                throw RequestException.badRequest("input " + name + " is not an input of model " + modelName
                        + " (its inputs: " + String.join(", ", inputs) + ")");
            }
        }
        for (String name : request.outputs()) {
            if (!outputs.contains(name)) {
                throw RequestException.badRequest("output " + name + " is not an output of model " + modelName
                        + " (its outputs: " + String.join(", ", outputs) + ")");
            }
        }
        Map<String, Tensor> in = request.inputs();
        if (!in.containsKey("p")) {
            throw RequestException.badRequest("input p is required (it fixes n)");
        }
        try {
            QpBatch.Builder b = QpBatch.builder();
            b.Q(datum(in.get("Q"), true)).p(datum(in.get("p"), false));
            b.G(datum(in.get("G"), true)).h(datum(in.get("h"), false));
            b.A(datum(in.get("A"), true)).b(datum(in.get("b"), false));
            return b.build();
        } catch (InvalidProblemException e) {
            throw RequestException.badRequest("input " + e.getMessage());
        }
    }

    /** {@code dl_dx} of a {@code qp-grad} request: {@code [B, n]}. */
    double[] lossGradient(InferRequest request, QpBatch batch) {
        Tensor t = request.inputs().get("dl_dx");
        if (t == null) {
            throw RequestException.badRequest("input dl_dx is required by model " + modelName);
        }
        if (t.rank() != 2 || t.shape()[0] != batch.size() || t.shape()[1] != batch.n()) {
            throw RequestException.badRequest("input dl_dx: shape " + shape(t.shape()) + ", expected [B, n] = ["
                    + batch.size() + ", " + batch.n() + "]");
        }
        for (int k = 0; k < t.data().length; k++) {
            if (!Double.isFinite(t.data()[k])) {
                throw RequestException.badRequest("input dl_dx of problem " + k / batch.n() + ": value [" + k % batch.n()
                        + "] is " + t.data()[k]);
            }
        }
        return t.data();
    }

    /** A tensor as a datum: without a batch axis shared, with one per problem; null when absent. */
    private static Datum datum(Tensor t, boolean matrix) {
        if (t == null) {
            return null;
        }
        int[] s = t.shape();
        int sharedRank = matrix ? 2 : 1;
        if (s.length == sharedRank) {
            return matrix ? Datum.shared(s[0], s[1], t.data()) : Datum.sharedVector(t.data());
        }
        if (s.length == sharedRank + 1) {
            if (s[0] < 1) {
                throw RequestException.badRequest("input " + t.name() + ": shape " + shape(s) + " has no problems (B = 0)");
            }
            return matrix ? Datum.batched(s[0], s[1], s[2], t.data()) : Datum.batchedVector(s[0], s[1], t.data());
        }
        throw RequestException.badRequest("input " + t.name() + ": shape " + shape(s) + " has " + s.length
                + " axes, expected " + (matrix ? "[rows, n] (shared) or [B, rows, n] (per problem)"
                : "[length] (shared) or [B, length] (per problem)"));
    }

    /** The outputs to write: those asked for, in the model's order, or all. */
    private Set<String> wanted(InferRequest request) {
        Set<String> w = new LinkedHashSet<>();
        for (String o : outputs) {
            if (request.outputs().isEmpty() || request.outputs().contains(o)) {
                w.add(o);
            }
        }
        return w;
    }

    /**
     * Writes the response body: {@code model_name}, {@code id}, and the outputs. Gradients of absent data
     * (G, h when there are no inequalities; A, b without equalities) are left out.
     */
    void writeResponse(JsonGenerator out, InferRequest request, QpSolution s, Gradients gradients) throws IOException {
        int B = s.size();
        out.writeStartObject();
        out.writeStringField("model_name", modelName);
        out.writeStringField("model_version", "1");
        if (request.id() != null) {
            out.writeStringField("id", request.id());
        }
        out.writeArrayFieldStart("outputs");
        for (String name : wanted(request)) {
            switch (name) {
                case "x" -> tensor(out, name, FP64, new int[] {B, s.n()}, s.x());
                case "lambda" -> tensor(out, name, FP64, new int[] {B, s.m()}, s.lambda());
                case "nu" -> tensor(out, name, FP64, new int[] {B, s.q()}, s.nu());
                case "objective" -> {
                    double[] obj = new double[B];
                    for (int i = 0; i < B; i++) {
                        obj[i] = s.objective(i);
                    }
                    tensor(out, name, FP64, new int[] {B}, obj);
                }
                case "iterations" -> {
                    header(out, name, "INT32", new int[] {B});
                    for (int i = 0; i < B; i++) {
                        out.writeNumber(s.iterations(i));
                    }
                    out.writeEndArray();
                    out.writeEndObject();
                }
                case "status" -> {
                    header(out, name, "BYTES", new int[] {B});
                    for (int i = 0; i < B; i++) {
                        out.writeString(s.status(i).label());
                    }
                    out.writeEndArray();
                    out.writeEndObject();
                }
                default -> {
                    Parameter p = parameter(name.substring(1));
                    Datum d = gradients.get(p);
                    if (d != null) {
                        int[] shape = d.isShared()
                                ? (p.isVector() ? new int[] {d.rows()} : new int[] {d.rows(), d.cols()})
                                : (p.isVector() ? new int[] {B, d.rows()} : new int[] {B, d.rows(), d.cols()});
                        tensor(out, name, FP64, shape, d.values());
                    }
                }
            }
        }
        out.writeEndArray();
        out.writeEndObject();
    }

    /** The model metadata of the protocol: inputs and outputs with datatypes and shapes (-1: any length). */
    void writeMetadata(JsonGenerator out, String backend) throws IOException {
        out.writeStartObject();
        out.writeStringField("name", modelName);
        out.writeArrayFieldStart("versions");
        out.writeString("1");
        out.writeEndArray();
        out.writeStringField("platform", "diffqp_" + backend);
        out.writeArrayFieldStart("inputs");
        for (String name : inputs) {
            boolean matrix = name.equals("Q") || name.equals("G") || name.equals("A");
            metadata(out, name, FP64, matrix ? new int[] {-1, -1, -1} : new int[] {-1, -1});
        }
        out.writeEndArray();
        out.writeArrayFieldStart("outputs");
        for (String name : outputs) {
            switch (name) {
                case "x", "lambda", "nu", "dp", "dh", "db" -> metadata(out, name, FP64, new int[] {-1, -1});
                case "objective" -> metadata(out, name, FP64, new int[] {-1});
                case "iterations" -> metadata(out, name, "INT32", new int[] {-1});
                case "status" -> metadata(out, name, "BYTES", new int[] {-1});
                default -> metadata(out, name, FP64, new int[] {-1, -1, -1});
            }
        }
        out.writeEndArray();
        out.writeEndObject();
    }

    private static void metadata(JsonGenerator out, String name, String datatype, int[] shape) throws IOException {
        nameTypeShape(out, name, datatype, shape);
        out.writeEndObject();
    }

    private static void tensor(JsonGenerator out, String name, String datatype, int[] shape, double[] data)
            throws IOException {
        header(out, name, datatype, shape);
        for (double v : data) {
            out.writeNumber(v);
        }
        out.writeEndArray();
        out.writeEndObject();
    }

    /** A tensor up to the opening of its {@code data} array. */
    private static void header(JsonGenerator out, String name, String datatype, int[] shape) throws IOException {
        nameTypeShape(out, name, datatype, shape);
        out.writeArrayFieldStart("data");
    }

    /** The fields every tensor description starts with, in a new object: name, datatype, shape. */
    private static void nameTypeShape(JsonGenerator out, String name, String datatype, int[] shape) throws IOException {
        out.writeStartObject();
        out.writeStringField("name", name);
        out.writeStringField("datatype", datatype);
        out.writeFieldName("shape");
        out.writeArray(shape, 0, shape.length);
    }

    private static Parameter parameter(String symbol) {
        for (Parameter p : Parameter.values()) {
            if (p.symbol().equals(symbol)) {
                return p;
            }
        }
        throw new IllegalArgumentException("no datum " + symbol);
    }

    private static String shape(int[] s) {
        return InferRequest.describe(s);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return List.copyOf(all);
    }
}
