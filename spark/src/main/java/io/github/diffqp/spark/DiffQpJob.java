package io.github.diffqp.spark;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * The {@code spark-submit} job: reads a table of QPs (Parquet, or JSON Lines with one problem a line),
 * solves (and with {@code --grad} differentiates) every row, writes the answers (Parquet or JSON Lines) as
 * Spark writes a table: a directory of part files, whose names keep the rows' order (docs/DESIGN.md §5.5).
 *
 * <pre>
 * spark-submit --class io.github.diffqp.spark.DiffQpJob diffqp-spark.jar --in problems.jsonl --out solved/ [--grad]
 * </pre>
 */
@Command(name = "diffqp-spark", mixinStandardHelpOptions = true,
        description = "Solves (and differentiates) a table of QPs on Spark.")
public final class DiffQpJob implements Callable<Integer> {
    /** The two table formats; by default each side's format follows its path's extension. */
    enum Format {
        JSONL, PARQUET;

        static Format of(String path) {
            return path.toLowerCase(Locale.ROOT).replaceAll("/+$", "").endsWith(".parquet") ? PARQUET : JSONL;
        }
    }

    @Option(names = "--in", required = true, description = "the problems: a JSON Lines file or a Parquet table")
    String in;
    @Option(names = "--out", required = true, description = "the output directory (replaced if it exists)")
    String out;
    @Option(names = "--in-format", description = "jsonl or parquet (default: parquet for *.parquet, else jsonl)")
    Format inFormat;
    @Option(names = "--out-format", description = "jsonl or parquet (default: parquet for *.parquet, else jsonl)")
    Format outFormat;
    @Option(names = "--grad", description = "JSON Lines: every line carries dl_dx; write dQ dp dG dh dA db "
            + "(a Parquet table asks for gradients with a dl_dx column)")
    boolean gradients;
    @Option(names = "--shared", description = "a JSON file of data every problem shares, e.g. {\"G\": [[...]], \"h\": [...]}")
    Path sharedFile;
    @Option(names = "--backend", defaultValue = "auto", description = "auto, cpu or cuda (default: ${DEFAULT-VALUE})")
    String backend;
    @Option(names = "--tolerance", defaultValue = "1e-8", description = "relative tolerance (default: ${DEFAULT-VALUE})")
    double tolerance;
    @Option(names = "--max-iterations", defaultValue = "100", description = "iteration limit (default: ${DEFAULT-VALUE})")
    int maxIterations;
    @Option(names = "--partitions", description = "JSON Lines: split the input into at least this many partitions "
            + "(default: Spark's default parallelism)")
    Integer partitions;

    public static void main(String[] args) {
        CommandLine command = new CommandLine(new DiffQpJob()).setCaseInsensitiveEnumValuesAllowed(true)
                // Bad input (a shared-data file, a setting, a column type) is one line, as in the CLI.
                .setExecutionExceptionHandler((e, line, parsed) -> {
                    if (!(e instanceof IllegalArgumentException)) {
                        throw e;
                    }
                    line.getErr().println("diffqp-spark: " + e.getMessage());
                    return 2;
                });
        System.exit(command.execute(args));
    }

    @Override
    public Integer call() throws Exception {
        settings(); // bad settings or shared data are refused before Spark starts
        shared();
        SparkSession spark = SparkSession.builder().appName("diffqp").getOrCreate();
        try {
            run(spark);
        } finally {
            spark.stop();
        }
        return 0;
    }

    private SolveSettings settings() {
        return SolveSettings.defaults().withBackend(backend).withTolerance(tolerance).withMaxIterations(maxIterations);
    }

    private SharedData shared() throws java.io.IOException {
        return sharedFile == null ? SharedData.none() : SharedData.fromJson(Files.readString(sharedFile));
    }

    /** Reads, solves and writes with {@code spark}; checks the arguments before any work. */
    void run(SparkSession spark) throws java.io.IOException {
        SolveSettings settings = settings();
        SharedData shared = shared();
        Format from = inFormat != null ? inFormat : Format.of(in);
        Format to = outFormat != null ? outFormat : Format.of(out);
        if (from == Format.PARQUET) {
            Dataset<Row> solved = new SparkQpSolver(settings).withShared(shared).solve(spark.read().parquet(in));
            if (to == Format.PARQUET) {
                solved.write().mode(SaveMode.Overwrite).parquet(out);
            } else {
                solved.write().mode(SaveMode.Overwrite).json(out);
            }
            return;
        }
        JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
        JavaRDD<String> lines = context.textFile(in, partitions != null ? partitions : context.defaultParallelism());
        Broadcast<SharedData> data = context.broadcast(shared);
        JavaRDD<String> answers = JsonLinesSolver.solve(lines, settings, data, gradients);
        if (to == Format.JSONL) {
            spark.createDataset(answers.rdd(), Encoders.STRING()).write().mode(SaveMode.Overwrite).text(out);
        } else {
            // Each answer line is a JSON object; Spark infers the table's schema from them (ids of one type
            // stay that type), so the answers are kept for the second pass that writes them.
            JavaRDD<String> kept = answers.cache();
            spark.read().json(spark.createDataset(kept.rdd(), Encoders.STRING())).write().mode(SaveMode.Overwrite)
                    .parquet(out);
            kept.unpersist();
        }
    }
}
