package io.github.diffqp.test;

import io.github.diffqp.solver.*;
import org.junit.jupiter.api.Test;
import java.util.*;

class SmokeTest {
    @Test
    void smoke() {
        Random rnd = new Random(1);
        for (int[] d : new int[][] {{3,0,0},{3,0,1},{5,4,0},{5,4,2},{20,30,5},{64,64,40}}) {
            List<QpProblem> ps = new ArrayList<>();
            for (int i = 0; i < 4; i++) ps.add(RandomQp.feasible(rnd, d[0], d[1], d[2], 0.1));
            QpSolution s = QpSolver.solve(QpBatch.stack(ps));
            for (int i = 0; i < 4; i++)
                System.out.println(Arrays.toString(d) + " " + s.status(i) + " it=" + s.iterations(i) + " obj=" + s.objective(i)
                    + " pres=" + s.primalResidual(i) + " dres=" + s.dualResidual(i) + " gap=" + s.gap(i));
        }
    }
}
