package io.github.diffqp.spark;

import io.github.diffqp.solver.QpProblem;
import io.github.diffqp.solver.QpSolver;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The Transformer in a Spark ML pipeline. */
class QpTransformerTest {
    @Test
    void aPipelineStageAnswersEveryRowAsADirectSolveDoes() {
        Random random = new Random(21);
        List<QpProblem> problems = new ArrayList<>();
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            QpProblem pr = RandomProblems.problem(random, 5, 6, 1);
            problems.add(pr);
            rows.add(SparkQpSolverTest.row(i, pr));
        }
        Dataset<Row> table = new SparkQpSolverTest().table(rows, SparkQpSolverTest.schema("id", "Q", "p", "G", "h",
                "A", "b"), 2);
        QpTransformer stage = new QpTransformer().setBackend("cpu").setMaxIterations(60);
        PipelineModel model = new Pipeline().setStages(new PipelineStage[] {stage}).fit(table);

        Dataset<Row> out = model.transform(table);

        assertEquals(stage.transformSchema(table.schema()), out.schema());
        List<Row> answers = out.collectAsList();
        for (int i = 0; i < problems.size(); i++) {
            SparkQpSolverTest.assertSameAnswer(QpSolver.solve(problems.get(i).asBatch(),
                    SparkQpSolverTest.OPTIONS.withMaxIterations(60)), answers.get(i), "row " + i);
        }
    }

    @Test
    void aCopyKeepsParamsAndSharedDataAndBadParamsAreRefused() {
        SharedData shared = SharedData.none().with("h", new double[] {1});
        QpTransformer stage = new QpTransformer().setMaxIterations(30).setShared(shared);
        QpTransformer copy = stage.copy(new ParamMap().put(stage.tolerance(), 1e-6));
        assertEquals(30, copy.settings().maxIterations());
        assertEquals(1e-6, copy.settings().tolerance());
        assertEquals(stage.uid(), copy.uid());
        assertSame(shared, copy.getShared());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new QpTransformer().setTolerance(2).settings());
        assertEquals("tolerance must be in (0, 1), got 2.0", e.getMessage());
    }
}
