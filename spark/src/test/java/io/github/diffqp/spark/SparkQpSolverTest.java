package io.github.diffqp.spark;

import io.github.diffqp.backward.Gradients;
import io.github.diffqp.backward.LayerForward;
import io.github.diffqp.backward.Parameter;
import io.github.diffqp.backward.QpLayer;
import io.github.diffqp.solver.Datum;
import io.github.diffqp.solver.QpProblem;
import io.github.diffqp.solver.QpSolution;
import io.github.diffqp.solver.QpSolver;
import io.github.diffqp.solver.SolverOptions;
import io.github.diffqp.solver.Status;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import scala.jdk.javaapi.CollectionConverters;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static io.github.diffqp.testing.Agreement.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Dataset form against direct solves of the same problems (QpSolver, QpLayer) on one machine. */
class SparkQpSolverTest {
    static final DataType VECTOR = DataTypes.createArrayType(DataTypes.DoubleType);
    static final DataType MATRIX = DataTypes.createArrayType(VECTOR);
    static final SolveSettings SETTINGS = SolveSettings.defaults().withBackend("cpu");
    static final SolverOptions OPTIONS = SETTINGS.options();

    private final SparkSession spark = LocalSpark.session();

    static StructType schema(String... columns) {
        List<StructField> fields = new ArrayList<>();
        for (String c : columns) {
            DataType type = c.equals("id") ? DataTypes.LongType : SharedData.isMatrix(c) ? MATRIX : VECTOR;
            fields.add(DataTypes.createStructField(c, type, true));
        }
        return DataTypes.createStructType(fields);
    }

    /** The full row of a problem: id, Q, p, G, h, A, b (null for an absent pair). */
    static Row row(long id, QpProblem pr) {
        int n = pr.n(), m = pr.m(), q = pr.q();
        return RowFactory.create(id, RandomProblems.rows(pr.Q(), n, n), pr.p(),
                m == 0 ? null : RandomProblems.rows(pr.G(), m, n), m == 0 ? null : pr.h(),
                q == 0 ? null : RandomProblems.rows(pr.A(), q, n), q == 0 ? null : pr.b());
    }

    Dataset<Row> table(List<Row> rows, StructType schema, int partitions) {
        return spark.createDataFrame(JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(rows, partitions),
                schema);
    }

    static double[] vector(Row row, String column) {
        int i = row.fieldIndex(column);
        if (row.isNullAt(i)) {
            return null;
        }
        List<Object> list = row.getList(i);
        return list.stream().mapToDouble(o -> (Double) o).toArray();
    }

    static double[] matrix(Row row, String column) {
        int i = row.fieldIndex(column);
        if (row.isNullAt(i)) {
            return null;
        }
        List<Object> rows = row.getList(i);
        return rows.stream().flatMapToDouble(r -> CollectionConverters.asJava((scala.collection.Seq<?>) r).stream()
                .mapToDouble(o -> (Double) o)).toArray();
    }

    static void assertSameAnswer(QpSolution direct, Row row, String what) {
        assertEquals(direct.status(0).label(), row.getAs("status"), what + ": status");
        assertClose(direct.x(0), vector(row, "x"), 1e-6, what + ": x");
        assertClose(direct.lambda(0), vector(row, "lambda"), 1e-5, what + ": lambda");
        assertClose(direct.nu(0), vector(row, "nu"), 1e-5, what + ": nu");
        assertEquals(direct.objective(0), (Double) row.getAs("objective"), 1e-6 * (1 + Math.abs(direct.objective(0))),
                what + ": objective");
        assertEquals(direct.iterations(0), (Integer) row.getAs("iterations"), what + ": iterations");
    }

    @Test
    void tenThousandProblemsOfThreeShapesOverEightPartitionsEqualDirectSolves() {
        Random random = new Random(16);
        int[][] shapes = {{3, 2, 0}, {5, 6, 1}, {8, 10, 2}};
        List<QpProblem> problems = new ArrayList<>();
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            int[] s = shapes[random.nextInt(shapes.length)];
            QpProblem pr = RandomProblems.problem(random, s[0], s[1], s[2]);
            problems.add(pr);
            rows.add(row(i, pr));
        }
        Dataset<Row> table = table(rows, schema("id", "Q", "p", "G", "h", "A", "b"), 8);
        assertEquals(8, table.rdd().getNumPartitions());

        List<Row> out = new SparkQpSolver(SETTINGS).solve(table).collectAsList();

        assertEquals(problems.size(), out.size());
        for (int i = 0; i < problems.size(); i++) {
            Row row = out.get(i);
            assertEquals(i, (Long) row.getAs("id"), "rows keep their order");
            QpSolution direct = QpSolver.solve(problems.get(i).asBatch(), OPTIONS);
            assertEquals(Status.SOLVED, direct.status(0), "problem " + i + " is feasible by construction");
            assertSameAnswer(direct, row, "problem " + i);
            assertNull(row.getAs("message"), "problem " + i + ": a solved row has no message");
        }
    }

    @Test
    void sharedDataAreBroadcastAndUsedByEveryRowThatLacksThem() {
        Random random = new Random(7);
        int n = 6, m = 4, q = 1;
        QpProblem planted = RandomProblems.problem(random, n, m, q);
        // G and A learned once, h from a planted point so that every row is feasible; p and h vary per row.
        SharedData shared = SharedData.none().with("G", RandomProblems.rows(planted.G(), m, n))
                .with("A", RandomProblems.rows(planted.A(), q, n)).with("b", planted.b());
        List<QpProblem> problems = new ArrayList<>();
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            QpProblem own = RandomProblems.problem(random, n, 0, 0);
            double[] h = planted.h().clone();
            for (int r = 0; r < m; r++) {
                h[r] += random.nextDouble();
            }
            QpProblem pr = new QpProblem(n, own.Q(), own.p(), planted.G(), h, planted.A(), planted.b(), 0);
            problems.add(pr);
            rows.add(RowFactory.create((long) i, RandomProblems.rows(pr.Q(), n, n), pr.p(), h));
        }
        Dataset<Row> out = new SparkQpSolver(SETTINGS).withShared(shared)
                .solve(table(rows, schema("id", "Q", "p", "h"), 4));

        assertFalse(Arrays.asList(out.columns()).contains("G"), "shared data are not written per row");
        List<Row> answers = out.collectAsList();
        for (int i = 0; i < problems.size(); i++) {
            assertSameAnswer(QpSolver.solve(problems.get(i).asBatch(), OPTIONS), answers.get(i), "row " + i);
        }
    }

    @Test
    void malformedAndInfeasibleRowsGetTheirStatusAndNeighboursTheirAnswers() {
        Random random = new Random(3);
        QpProblem good = RandomProblems.problem(random, 3, 2, 1);
        Row goodRow = row(0, good);
        double[][] identity = {{1, 0}, {0, 1}};
        List<Row> rows = List.of(
                goodRow,
                RowFactory.create(1L, identity, null, null, null, null, null),
                RowFactory.create(2L, new double[][] {{1, 2}, {0, 1}}, new double[] {1, 1}, null, null, null, null),
                RowFactory.create(3L, identity, new double[] {1, 1}, new double[][] {{1, 0}, {1}}, new double[] {1, 1},
                        null, null),
                RowFactory.create(4L, identity, new double[] {1, 1}, new double[][] {{1, 0}}, new double[] {1, 2},
                        null, null),
                RowFactory.create(5L, identity, new double[] {1, Double.NaN}, null, null, null, null),
                // x ≤ −1 and −x ≤ −1: no x satisfies both.
                RowFactory.create(6L, new double[][] {{1}}, new double[] {1}, new double[][] {{1}, {-1}},
                        new double[] {-1, -1}, null, null),
                // Q = 0 and p ≠ 0 without constraints: unbounded below.
                RowFactory.create(7L, new double[][] {{0}}, new double[] {1}, null, null, null, null),
                row(8, good));
        List<Row> out = new SparkQpSolver(SETTINGS).solve(table(rows, schema("id", "Q", "p", "G", "h", "A", "b"), 2))
                .collectAsList();

        QpSolution direct = QpSolver.solve(good.asBatch(), OPTIONS);
        assertSameAnswer(direct, out.get(0), "the good row before the bad ones");
        assertSameAnswer(direct, out.get(8), "the good row after them");
        String[] faults = {null, "p", "Q", "G", "h", "p"};
        for (int i = 1; i <= 5; i++) {
            Row row = out.get(i);
            assertEquals("invalid", row.getAs("status"), "row " + i);
            String message = row.getAs("message");
            assertTrue(message.startsWith(faults[i]), "row " + i + " names " + faults[i] + ": " + message);
            assertNull(row.getAs("x"), "row " + i + " has no solution");
        }
        assertEquals("primal_infeasible", out.get(6).getAs("status"));
        assertTrue(((String) out.get(6).getAs("message")).startsWith("infeasible"));
        assertEquals("dual_infeasible", out.get(7).getAs("status"));
        assertTrue(((String) out.get(7).getAs("message")).startsWith("unbounded"));
    }

    @Test
    void gradientsEqualQpLayersOnTheSameProblems() {
        Random random = new Random(11);
        List<QpProblem> problems = new ArrayList<>();
        List<double[]> dlDx = new ArrayList<>();
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            QpProblem pr = i % 2 == 0 ? RandomProblems.problem(random, 4, 5, 1) : RandomProblems.problem(random, 3, 0, 0);
            double[] g = RandomProblems.gaussian(random, pr.n());
            problems.add(pr);
            dlDx.add(g);
            Row base = row(i, pr);
            Object[] values = new Object[8];
            for (int c = 0; c < 7; c++) {
                values[c] = base.get(c);
            }
            values[7] = i == 5 ? new double[] {1} : g; // row 5: dl_dx of the wrong length
            rows.add(RowFactory.create(values));
        }
        List<Row> out = new SparkQpSolver(SETTINGS)
                .solve(table(rows, schema("id", "Q", "p", "G", "h", "A", "b", "dl_dx"), 3)).collectAsList();

        assertEquals("invalid", out.get(5).getAs("status"));
        assertTrue(((String) out.get(5).getAs("message")).startsWith("dl_dx: 1 entries, expected n = 3"));
        for (int i = 0; i < problems.size(); i++) {
            if (i == 5) {
                continue;
            }
            Row row = out.get(i);
            try (LayerForward forward = new QpLayer(OPTIONS).forward(problems.get(i).asBatch())) {
                assertSameAnswer(forward.solution(), row, "row " + i);
                Gradients expected = forward.backward(dlDx.get(i));
                for (Parameter p : Parameter.values()) {
                    Datum d = expected.get(p);
                    double[] actual = p.isVector() ? vector(row, p.gradientKey()) : matrix(row, p.gradientKey());
                    if (d == null) {
                        assertNull(actual, "row " + i + ": no " + p.gradientKey() + " without " + p.symbol());
                    } else {
                        assertClose(d.values(), actual, 1e-6, "row " + i + ": " + p.gradientKey());
                    }
                }
            }
        }
    }

    @Test
    void badColumnsAreRefusedBeforeAnyWork() {
        Dataset<Row> stringQ = spark.createDataFrame(List.of(RowFactory.create("[[1]]", new double[] {1})),
                DataTypes.createStructType(List.of(DataTypes.createStructField("Q", DataTypes.StringType, true),
                        DataTypes.createStructField("p", VECTOR, true))));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SparkQpSolver(SETTINGS).solve(stringQ));
        assertEquals("column Q: expected array<array<double>> (a matrix, row by row), found string", e.getMessage());

        Dataset<Row> taken = table(List.of(RowFactory.create(0L, new double[] {1}, new double[] {2})),
                schema("id", "p", "x"), 1);
        e = assertThrows(IllegalArgumentException.class, () -> new SparkQpSolver(SETTINGS).solve(taken));
        assertTrue(e.getMessage().startsWith("column x: the input already has it"), e.getMessage());
    }
}
