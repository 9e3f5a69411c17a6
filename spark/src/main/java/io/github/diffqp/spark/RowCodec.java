package io.github.diffqp.spark;

import io.github.diffqp.backward.Parameter;
import io.github.diffqp.solver.Datum;
import io.github.diffqp.solver.InvalidProblemException;
import io.github.diffqp.solver.QpBatch;
import io.github.diffqp.solver.QpSolution;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.jdk.javaapi.CollectionConverters;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The table's columns (docs/DESIGN.md §5.5): reads a row into a {@link RowProblem} and writes a
 * {@link RowResult} after the row's own columns. Made on the driver from the input schema, which it
 * checks before any work; used on the executors.
 *
 * <p>In: {@code Q}, {@code G}, {@code A} as {@code array<array<double>>} (row-major, one inner array per
 * row of the matrix), {@code p}, {@code h}, {@code b} as {@code array<double>}, any of them absent or null
 * (then the {@link SharedData} one, else no such datum), and {@code dl_dx} as {@code array<double>}, whose
 * presence asks for gradients. Other numeric element types are cast to double. Every other column passes
 * through.
 *
 * <p>Out: {@code x}, {@code lambda}, {@code nu} ({@code array<double>}), {@code objective} (double),
 * {@code status} (a solver status label or {@code invalid}), {@code iterations} (int), {@code message}
 * (string, null when solved), and with {@code dl_dx} the gradients {@code dQ dp dG dh dA db}, each shaped
 * like its datum (null where the row has no such datum).
 */
final class RowCodec implements Serializable {
    private static final long serialVersionUID = 1L;
    static final String DL_DX = "dl_dx";
    static final List<String> SOLUTION_COLUMNS = List.of("x", "lambda", "nu", "objective", "status", "iterations",
            "message");
    private static final DataType VECTOR = DataTypes.createArrayType(DataTypes.DoubleType, true);
    private static final DataType MATRIX = DataTypes.createArrayType(VECTOR, true);

    /** Per datum of {@link SharedData#NAMES}, its column in the input, or -1. */
    private final int[] dataColumns;
    private final int dlDxColumn;
    private final int inputWidth;
    private final StructType outputSchema;

    private RowCodec(int[] dataColumns, int dlDxColumn, int inputWidth, StructType outputSchema) {
        this.dataColumns = dataColumns;
        this.dlDxColumn = dlDxColumn;
        this.inputWidth = inputWidth;
        this.outputSchema = outputSchema;
    }

    /**
     * The codec for a table of this schema (after {@link #normalized}).
     *
     * @throws IllegalArgumentException when a data column has the wrong type, or an output column's name is
     *                                  taken, naming the column
     */
    static RowCodec forSchema(StructType input) {
        List<String> names = Arrays.asList(input.fieldNames());
        int[] columns = new int[SharedData.NAMES.size()];
        for (int k = 0; k < columns.length; k++) {
            String name = SharedData.NAMES.get(k);
            columns[k] = names.indexOf(name);
            if (columns[k] >= 0) {
                requireType(input.fields()[columns[k]], SharedData.isMatrix(name) ? 2 : 1);
            }
        }
        int dlDx = names.indexOf(DL_DX);
        if (dlDx >= 0) {
            requireType(input.fields()[dlDx], 1);
        }
        List<StructField> out = new ArrayList<>(Arrays.asList(input.fields()));
        out.add(DataTypes.createStructField("x", VECTOR, true));
        out.add(DataTypes.createStructField("lambda", VECTOR, true));
        out.add(DataTypes.createStructField("nu", VECTOR, true));
        out.add(DataTypes.createStructField("objective", DataTypes.DoubleType, true));
        out.add(DataTypes.createStructField("status", DataTypes.StringType, false));
        out.add(DataTypes.createStructField("iterations", DataTypes.IntegerType, true));
        out.add(DataTypes.createStructField("message", DataTypes.StringType, true));
        if (dlDx >= 0) {
            for (Parameter p : Parameter.values()) {
                out.add(DataTypes.createStructField(p.gradientKey(), p.isVector() ? VECTOR : MATRIX, true));
            }
        }
        for (int k = input.fields().length; k < out.size(); k++) {
            String name = out.get(k).name();
            if (names.contains(name)) {
                throw new IllegalArgumentException("column " + name + ": the input already has it, and the solver "
                        + "writes it; rename or drop it");
            }
        }
        return new RowCodec(columns, dlDx, input.fields().length, DataTypes.createStructType(out));
    }

    /** {@code table} with its data columns' numeric elements cast to double (a no-op when they are). */
    static Dataset<Row> normalized(Dataset<Row> table) {
        Dataset<Row> out = table;
        for (StructField field : table.schema().fields()) {
            String name = field.name();
            boolean matrix = SharedData.isMatrix(name);
            if (SharedData.NAMES.contains(name) || name.equals(DL_DX)) {
                requireType(field, matrix ? 2 : 1);
                out = out.withColumn(name, new Column(name).cast(matrix ? MATRIX : VECTOR));
            }
        }
        return out;
    }

    private static void requireType(StructField field, int depth) {
        DataType t = field.dataType();
        for (int level = 0; level < depth; level++) {
            if (!(t instanceof ArrayType a)) {
                t = null;
                break;
            }
            t = a.elementType();
        }
        if (!(t instanceof NumericType)) {
            throw new IllegalArgumentException("column " + field.name() + ": expected "
                    + (depth == 2 ? "array<array<double>> (a matrix, row by row)" : "array<double>") + ", found "
                    + field.dataType().simpleString());
        }
    }

    StructType outputSchema() {
        return outputSchema;
    }

    /** Whether the table asks for gradients (it has a {@code dl_dx} column). */
    boolean backward() {
        return dlDxColumn >= 0;
    }

    /** Row {@code row}'s problem, or what is wrong with it. */
    RowProblem read(Row row, SharedData shared) {
        try {
            Datum[] data = new Datum[dataColumns.length];
            double[] p = vector(row, dataColumns[1], "p", shared);
            int n = p == null ? 0 : p.length;
            for (int k = 0; k < data.length; k++) {
                String name = SharedData.NAMES.get(k);
                if (SharedData.isMatrix(name)) {
                    data[k] = matrix(row, dataColumns[k], name, shared, n);
                } else {
                    double[] v = k == 1 ? p : vector(row, dataColumns[k], name, shared);
                    data[k] = v == null ? null : Datum.sharedVector(v);
                }
            }
            // A pair with zero rows is the same problem as an absent pair (as in a problems file).
            for (int k = 2; k <= 4; k += 2) {
                if (data[k] != null && data[k + 1] != null && data[k].rows() == 0 && data[k + 1].rows() == 0) {
                    data[k] = data[k + 1] = null;
                }
            }
            QpBatch one = QpBatch.builder().Q(data[0]).p(data[1]).G(data[2]).h(data[3]).A(data[4]).b(data[5]).build();
            double[] dlDx = null;
            if (backward()) {
                dlDx = vector(row, dlDxColumn, DL_DX, SharedData.none());
                requireGradient(dlDx, one.n());
            }
            return RowProblem.of(one.problem(0), dlDx);
        } catch (InvalidProblemException | MalformedRow e) {
            return RowProblem.malformed(e.getMessage());
        }
    }

    private static void requireGradient(double[] dlDx, int n) {
        if (dlDx == null) {
            throw new MalformedRow(DL_DX + ": missing (the table has the column, so every row needs one)");
        }
        if (dlDx.length != n) {
            throw new MalformedRow(DL_DX + ": " + dlDx.length + " entries, expected n = " + n);
        }
        for (int k = 0; k < n; k++) {
            if (!Double.isFinite(dlDx[k])) {
                throw new MalformedRow(DL_DX + "[" + k + "] is " + dlDx[k]);
            }
        }
    }

    /** The row's vector {@code name}, else the shared one, else null. */
    private static double[] vector(Row row, int column, String name, SharedData shared) {
        if (column < 0 || row.isNullAt(column)) {
            return shared.vector(name);
        }
        return doubles(row.getList(column), name);
    }

    /** The row's matrix {@code name}, else the shared one, else null; a matrix of no rows has n columns. */
    private static Datum matrix(Row row, int column, String name, SharedData shared, int n) {
        double[][] rows;
        if (column < 0 || row.isNullAt(column)) {
            rows = shared.matrix(name);
            if (rows == null) {
                return null;
            }
        } else {
            List<Object> list = row.getList(column);
            rows = new double[list.size()][];
            for (int r = 0; r < rows.length; r++) {
                Object inner = list.get(r);
                if (inner == null) {
                    throw new MalformedRow(name + "[" + r + "] is null");
                }
                rows[r] = doubles(CollectionConverters.asJava((scala.collection.Seq<?>) inner), name + "[" + r + "]");
            }
        }
        int cols = rows.length == 0 ? n : rows[0].length;
        double[] values = new double[rows.length * cols];
        for (int r = 0; r < rows.length; r++) {
            if (rows[r].length != cols) {
                throw new MalformedRow(name + ": row " + r + " has " + rows[r].length + " entries, row 0 has " + cols);
            }
            System.arraycopy(rows[r], 0, values, r * cols, cols);
        }
        return Datum.shared(rows.length, cols, values);
    }

    private static double[] doubles(List<?> list, String name) {
        double[] v = new double[list.size()];
        for (int k = 0; k < v.length; k++) {
            Object o = list.get(k);
            if (o == null) {
                throw new MalformedRow(name + "[" + k + "] is null");
            }
            v[k] = ((Number) o).doubleValue();
        }
        return v;
    }

    /** The output row: {@code input}'s values, then the answer's. */
    Row write(Row input, RowResult result) {
        List<Object> values = new ArrayList<>(outputSchema.size());
        for (int c = 0; c < inputWidth; c++) {
            values.add(input.get(c));
        }
        QpSolution s = result.solution();
        values.add(s == null ? null : s.x(0));
        values.add(s == null ? null : s.lambda(0));
        values.add(s == null ? null : s.nu(0));
        values.add(s == null ? null : s.objective(0));
        values.add(result.status());
        values.add(s == null ? null : s.iterations(0));
        values.add(result.message());
        if (backward()) {
            Map<Parameter, Datum> g = result.gradients();
            for (Parameter p : Parameter.values()) {
                Datum d = g == null ? null : g.get(p);
                values.add(d == null ? null : p.isVector() ? d.values() : rows(d));
            }
        }
        return RowFactory.create(values.toArray());
    }

    private static double[][] rows(Datum d) {
        double[][] out = new double[d.rows()][];
        for (int r = 0; r < out.length; r++) {
            out[r] = Arrays.copyOfRange(d.values(), r * d.cols(), (r + 1) * d.cols());
        }
        return out;
    }

    /** A row's data that make no problem; caught in {@link #read} and turned into the row's message. */
    private static final class MalformedRow extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MalformedRow(String message) {
            super(message, null, false, false);
        }
    }
}
