package io.github.diffqp.examples.sudoku;

/** Published puzzles shared by the tests. */
final class Boards {

    /** The example puzzle of the Wikipedia article "Sudoku" (by Tim Stellmach, CC0). */
    static final String WIKIPEDIA_PUZZLE = """
            53..7....
            6..195...
            .98....6.
            8...6...3
            4..8.3..1
            7...2...6
            .6....28.
            ...419..5
            ....8..79
            """;

    /** Its solution, as printed in the same article. */
    static final String WIKIPEDIA_SOLUTION = """
            534678912
            672195348
            198342567
            859761423
            426853791
            713924856
            961537284
            287419635
            345286179
            """;

    /** Arto Inkala's 2012 "world's hardest Sudoku", a deep search for a naive solver. */
    static final String INKALA_PUZZLE = """
            8........
            ..36.....
            .7..9.2..
            .5...7...
            ....457..
            ...1...3.
            ..1....68
            ..85...1.
            .9....4..
            """;

    /** Its published solution. */
    static final String INKALA_SOLUTION = """
            812753649
            943682175
            675491283
            154237896
            369845721
            287169534
            521974368
            438526917
            796318452
            """;

    private Boards() {
    }
}
