package io.github.diffqp.spark;

import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * {@link SparkQpSolver} as a Spark ML pipeline stage: appends each row's answer (and, with a {@code dl_dx}
 * column, its gradients) to a table of QPs. Params: {@code backend}, {@code tolerance},
 * {@code maxIterations}; shared data, which is not a Param (it is data, not a setting), with
 * {@link #setShared}. Not persistable: save the pipeline's other stages and build this one in code.
 *
 * <pre>{@code
 * Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {
 *     featuresToProblems, new QpTransformer().setTolerance(1e-9).setShared(shared) });
 * }</pre>
 */
public final class QpTransformer extends Transformer {
    private static final long serialVersionUID = 1L;

    private final String uid;
    private final Param<String> backend;
    private final DoubleParam tolerance;
    private final IntParam maxIterations;
    private SharedData shared = SharedData.none();

    public QpTransformer() {
        this(Identifiable$.MODULE$.randomUID("diffqp"));
    }

    public QpTransformer(String uid) {
        this.uid = uid;
        SolveSettings d = SolveSettings.defaults();
        backend = new Param<>(this, "backend", "auto (the executor's best), cpu or cuda");
        tolerance = new DoubleParam(this, "tolerance", "the solver's relative tolerance, in (0, 1)");
        maxIterations = new IntParam(this, "maxIterations", "the solver's iteration limit, at least 1");
        setDefault(backend, d.backend());
        setDefault(tolerance, d.tolerance());
        setDefault(maxIterations, d.maxIterations());
    }

    @Override
    public String uid() {
        return uid;
    }

    public Param<String> backend() {
        return backend;
    }

    public DoubleParam tolerance() {
        return tolerance;
    }

    public IntParam maxIterations() {
        return maxIterations;
    }

    public QpTransformer setBackend(String value) {
        set(backend, value);
        return this;
    }

    public QpTransformer setTolerance(double value) {
        set(tolerance, value);
        return this;
    }

    public QpTransformer setMaxIterations(int value) {
        set(maxIterations, value);
        return this;
    }

    public QpTransformer setShared(SharedData value) {
        this.shared = value;
        return this;
    }

    public SharedData getShared() {
        return shared;
    }

    /** The settings the params stand for (checked: a bad value is refused here, on the driver). */
    SolveSettings settings() {
        return SolveSettings.defaults().withBackend($(backend)).withTolerance((Double) $(tolerance))
                .withMaxIterations((Integer) $(maxIterations));
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        return new SparkQpSolver(settings()).withShared(shared).solve(dataset.toDF());
    }

    @Override
    public StructType transformSchema(StructType schema) {
        return SparkQpSolver.outputSchema(schema);
    }

    @Override
    public QpTransformer copy(ParamMap extra) {
        QpTransformer copy = (QpTransformer) defaultCopy(extra);
        copy.shared = shared;
        return copy;
    }
}
