package io.github.diffqp.spark;

import io.github.diffqp.solver.SolverOptions;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Solves, and where asked differentiates, a table of QPs on Spark: one row per problem in, the same row
 * with its answer out (the columns: {@link RowCodec}; docs/DESIGN.md §5.5). Each task packs its
 * partition's rows by shape and solves them batched on its executor's best backend (its GPU where Spark
 * assigned one); a malformed or infeasible row gets its status and message and never fails the job or its
 * neighbours. The job is lazy, like any Dataset.
 *
 * <pre>{@code
 * Dataset<Row> problems = spark.read().parquet("problems.parquet");       // id, Q, p, G, h (, dl_dx)
 * Dataset<Row> solved = new SparkQpSolver(SolveSettings.defaults())
 *         .withShared(SharedData.none().with("A", A).with("b", b))       // broadcast once
 *         .solve(problems);                                               // id, Q, ..., x, lambda, ..., status
 * }</pre>
 */
public final class SparkQpSolver {
    private final SolveSettings settings;
    private final SharedData shared;

    public SparkQpSolver(SolveSettings settings) {
        this(settings, SharedData.none());
    }

    private SparkQpSolver(SolveSettings settings, SharedData shared) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.shared = Objects.requireNonNull(shared, "shared");
    }

    /** This solver with data that rows lacking their own (absent or null column) share. */
    public SparkQpSolver withShared(SharedData value) {
        return new SparkQpSolver(settings, value);
    }

    /**
     * The output schema for an input schema: the input's columns, then the answer's.
     *
     * @throws IllegalArgumentException when a data column has the wrong type or an output name is taken
     */
    public static StructType outputSchema(StructType input) {
        return RowCodec.forSchema(input).outputSchema();
    }

    /**
     * The table with every row's answer, rows in their partitions and order.
     *
     * @throws IllegalArgumentException before any work, when a column has the wrong type or an output
     *                                  column's name is taken
     */
    public Dataset<Row> solve(Dataset<Row> problems) {
        Dataset<Row> table = RowCodec.normalized(problems);
        RowCodec codec = RowCodec.forSchema(table.schema());
        Broadcast<SharedData> data = JavaSparkContext.fromSparkContext(table.sparkSession().sparkContext())
                .broadcast(shared);
        SolveSettings s = settings;
        MapPartitionsFunction<Row, Row> work = rows -> {
            SharedData sharedData = data.value();
            SolverOptions options = s.options();
            boolean backward = codec.backward();
            return PartitionSolver.inChunks(rows, s.rowsPerChunk(), chunk -> {
                List<RowProblem> read = new ArrayList<>(chunk.size());
                for (Row row : chunk) {
                    read.add(codec.read(row, sharedData));
                }
                List<RowResult> results = PartitionSolver.solve(read, options, backward);
                List<Row> out = new ArrayList<>(chunk.size());
                for (int i = 0; i < chunk.size(); i++) {
                    out.add(codec.write(chunk.get(i), results.get(i)));
                }
                return out;
            });
        };
        return table.mapPartitions(work, Encoders.row(codec.outputSchema()));
    }
}
