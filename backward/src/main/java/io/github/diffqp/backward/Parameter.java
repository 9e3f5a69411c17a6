package io.github.diffqp.backward;

import io.github.diffqp.solver.Datum;
import io.github.diffqp.solver.QpBatch;

/** The data of a QP that gradients are taken with respect to. */
public enum Parameter {
    Q("Q"), P("p"), G("G"), H("h"), A("A"), B("b");

    private final String symbol;

    Parameter(String symbol) {
        this.symbol = symbol;
    }

    /** The datum's name as docs/DESIGN.md (§1, §6) and the file formats write it: Q, p, G, h, A, b. */
    public String symbol() {
        return symbol;
    }

    /** This datum of {@code batch}; null when absent (G, h when m = 0; A, b when q = 0). */
    public Datum of(QpBatch batch) {
        return switch (this) {
            case Q -> batch.Q();
            case P -> batch.p();
            case G -> batch.G();
            case H -> batch.h();
            case A -> batch.A();
            case B -> batch.b();
        };
    }

    /** Whether the datum is a vector (p, h, b) rather than a matrix (Q, G, A). */
    public boolean isVector() {
        return this == P || this == H || this == B;
    }

    /** The gradient's key in a solution file: dQ, dp, dG, dh, dA, db. */
    public String gradientKey() {
        return "d" + symbol;
    }
}
