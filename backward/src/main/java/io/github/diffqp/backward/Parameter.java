package io.github.diffqp.backward;

/** The data of a QP that gradients are taken with respect to. */
public enum Parameter {
    Q("Q"), P("p"), G("G"), H("h"), A("A"), B("b");

    private final String symbol;

    Parameter(String symbol) {
        this.symbol = symbol;
    }

    /** The datum's name as DESIGN.md and the file formats write it: Q, p, G, h, A, b. */
    public String symbol() {
        return symbol;
    }

    /** The gradient's key in a solution file: dQ, dp, dG, dh, dA, db. */
    public String gradientKey() {
        return "d" + symbol;
    }
}
