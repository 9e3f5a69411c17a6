package io.github.diffqp.examples.sudoku;

import io.github.diffqp.backward.Gradients;
import io.github.diffqp.backward.LayerForward;
import io.github.diffqp.backward.Parameter;
import io.github.diffqp.backward.QpLayer;
import io.github.diffqp.examples.Adam;
import io.github.diffqp.solver.Datum;
import io.github.diffqp.solver.QpBatch;
import io.github.diffqp.solver.QpSolution;
import io.github.diffqp.solver.SolverOptions;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.MatrixFeatures_DDRM;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * OptNet's Sudoku constraint-learning experiment (Amos &amp; Kolter 2017, §5.2): a QP layer
 * <pre>
 *   x* = argmin ½·0.1·xᵀx − puzzleᵀx   s.t.  −x ≤ 0,  A·x = b
 * </pre>
 * with A learned (shared across the batch, uniformly random at the start, as many rows as the rank of
 * the true one-hot constraints: 40 for 4×4), trained with Adam on the mean squared error between x* and
 * the one-hot solution. The layer never sees the rules; a trained A spans them.
 *
 * <p>The right-hand side is {@code b = A·z₀} with {@code z₀ = exp(log z₀) > 0}, as in OptNet's own code
 * ({@code sudoku/models.py}): x = z₀ satisfies every constraint, so the layer stays feasible whatever A
 * becomes. With b = 1 and a random positive A the very first batch is infeasible ({@code x ≥ 0},
 * {@code Ax = 1} has no solution for 40 random rows; the solver reports {@code primal_infeasible}).
 * {@code log z₀} starts at 0 (z₀ = 1) and is learned when {@code learnB} is set.
 */
public final class SudokuTraining {
    /** Settings of one run ({@code diffqp sudoku}'s options hold the defaults). */
    public record Config(int k, int trainSize, int testSize, int epochs, int batchSize, double learningRate,
                         double quadraticWeight, boolean learnB, long seed, SolverOptions solver) {
        public Config {
            if (k < 2 || k > 3) {
                throw new IllegalArgumentException("board box size k must be 2 (4×4) or 3 (9×9), got " + k);
            }
            if (trainSize < 1 || testSize < 1 || epochs < 1 || batchSize < 1) {
                throw new IllegalArgumentException("train, test, epochs and batch size must be positive");
            }
            if (!(learningRate > 0) || !(quadraticWeight > 0)) {
                throw new IllegalArgumentException("learning rate and quadratic weight must be positive");
            }
        }
    }

    /** What one epoch measured. */
    public record Epoch(int number, double trainLoss, double testError, double testExact, double seconds) {
    }

    private final Config config;
    private final int n, rows;
    private final double[] A, logZ0;
    private final Adam adamA, adamZ0;
    private final Dataset data;
    private final QpLayer layer;

    public SudokuTraining(Config config) {
        this.config = config;
        this.n = OneHot.variables(config.k());
        LinearConstraints truth = SudokuConstraints.trueConstraints(config.k());
        this.rows = MatrixFeatures_DDRM.rank(new DMatrixRMaj(truth.rows(), truth.cols(), true, truth.a()));
        Random rnd = new Random(config.seed());
        this.A = new double[rows * n];
        for (int k = 0; k < A.length; k++) {
            A[k] = rnd.nextDouble();
        }
        this.logZ0 = new double[n];
        this.adamA = new Adam(A.length, config.learningRate());
        this.adamZ0 = new Adam(n, config.learningRate());
        this.data = Dataset.generate(config.k(), config.trainSize(), config.testSize(), config.seed());
        this.layer = new QpLayer(config.solver());
    }

    /** Rows of the learned A: the rank of the true constraint matrix. */
    public int constraintRows() {
        return rows;
    }

    public Dataset dataset() {
        return data;
    }

    /** The learned A, row-major {@code constraintRows() × n} (live, not a copy). */
    public double[] constraints() {
        return A;
    }

    /** b = A·z₀, the right-hand side the layer uses now. */
    public double[] rightHandSide() {
        double[] b = new double[rows];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < n; c++) {
                b[r] += A[r * n + c] * Math.exp(logZ0[c]);
            }
        }
        return b;
    }

    /**
     * One epoch: shuffled minibatches, forward, MSE loss, backward to A (and b), an Adam step each; then
     * the test set's error and exact share.
     */
    public Epoch epoch(int number, Progress progress) {
        long start = System.nanoTime();
        List<Puzzle> train = new ArrayList<>(data.train());
        Collections.shuffle(train, new Random(config.seed() * 31 + number));
        double lossSum = 0;
        int seen = 0;
        for (int from = 0; from < train.size(); from += config.batchSize()) {
            List<Puzzle> batch = train.subList(from, Math.min(train.size(), from + config.batchSize()));
            lossSum += trainStep(batch) * batch.size();
            seen += batch.size();
            progress.stepBy(batch.size());
        }
        Score score = evaluate(data.test());
        return new Epoch(number, lossSum / seen, score.errorRate(), score.exactRate(),
                (System.nanoTime() - start) / 1e9);
    }

    /** Forward, loss and one Adam step on a minibatch; returns the minibatch's mean squared error. */
    double trainStep(List<Puzzle> batch) {
        int B = batch.size();
        double[] target = OneHot.encodeSolutions(batch);
        try (LayerForward f = layer.forward(layerInput(batch))) {
            double[] x = f.solution().x();
            double[] dlDx = new double[x.length];
            double loss = 0;
            for (int k = 0; k < x.length; k++) {
                double d = x[k] - target[k];
                loss += d * d;
                dlDx[k] = 2 * d / x.length;
            }
            Gradients g = f.backward(dlDx, Parameter.A, Parameter.B);
            // Chain rule through b = A·z₀: ∂ℓ/∂A += (∂ℓ/∂b)·z₀ᵀ and ∂ℓ/∂log z₀ = (Aᵀ·∂ℓ/∂b) ∘ z₀.
            double[] dA = g.get(Parameter.A).values(), db = g.get(Parameter.B).values();
            double[] dLogZ0 = new double[n];
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < n; c++) {
                    double z0 = Math.exp(logZ0[c]);
                    dA[r * n + c] += db[r] * z0;
                    dLogZ0[c] += A[r * n + c] * db[r] * z0;
                }
            }
            adamA.step(A, dA);
            if (config.learnB()) {
                adamZ0.step(logZ0, dLogZ0);
            }
            return loss / x.length;
        }
    }

    /** The layer's outputs for puzzles, solved in minibatches, stacked B×n. */
    public double[] predict(List<Puzzle> puzzles) {
        double[] out = new double[puzzles.size() * n];
        for (int from = 0; from < puzzles.size(); from += config.batchSize()) {
            List<Puzzle> batch = puzzles.subList(from, Math.min(puzzles.size(), from + config.batchSize()));
            try (LayerForward f = layer.forward(layerInput(batch))) {
                QpSolution sol = f.solution();
                System.arraycopy(sol.x(), 0, out, from * n, sol.x().length);
            }
        }
        return out;
    }

    public Score evaluate(List<Puzzle> puzzles) {
        return Score.of(predict(puzzles), puzzles);
    }

    /** Q = w·I, G = −I, h = 0, A and b: shared, one copy each; p = −puzzle per problem. */
    private QpBatch layerInput(List<Puzzle> batch) {
        int B = batch.size();
        double[] p = OneHot.encodePuzzles(batch);
        for (int k = 0; k < p.length; k++) {
            p[k] = -p[k];
        }
        double[] Q = new double[n * n], G = new double[n * n];
        for (int r = 0; r < n; r++) {
            Q[r * n + r] = config.quadraticWeight();
            G[r * n + r] = -1;
        }
        return QpBatch.builder()
                .Q(Datum.shared(n, n, Q)).p(Datum.batchedVector(B, n, p))
                .G(Datum.shared(n, n, G)).h(Datum.sharedVector(new double[n]))
                .A(Datum.shared(rows, n, A.clone())).b(Datum.sharedVector(rightHandSide()))
                .build();
    }

    /**
     * Runs every epoch, reporting to {@code out}; returns the per-epoch results.
     *
     * @param showProgress draw a progress bar (on a terminal)
     */
    public List<Epoch> run(PrintStream out, boolean showProgress) {
        List<Epoch> epochs = new ArrayList<>();
        for (int e = 1; e <= config.epochs(); e++) {
            Epoch result;
            try (Progress progress = Progress.start("epoch " + e, data.train().size(), showProgress)) {
                result = epoch(e, progress);
            }
            epochs.add(result);
            out.printf("epoch %d: train loss %.5f  test error %.1f%%  test exact %.1f%%  (%.1f s)%n", e,
                    result.trainLoss(), 100 * result.testError(), 100 * result.testExact(), result.seconds());
        }
        return epochs;
    }
}
