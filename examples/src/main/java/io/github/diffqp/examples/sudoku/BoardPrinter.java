package io.github.diffqp.examples.sudoku;

import java.util.ArrayList;
import java.util.List;

/**
 * Text pictures of boards, with box borders, for the demo's console output:
 *
 * <pre>
 * puzzle       solved
 * 4 . | . 1    4 2 | 3 1
 * 3 . | . .    3 1 | 2 4
 * ----+----    ----+----
 * . . | . 2    1 3 | 4 2
 * . . | . .    2 4 | 1 3
 * </pre>
 */
public final class BoardPrinter {

    private static final String GAP = "    ";

    private BoardPrinter() {
    }

    /** One board, one line per row, blanks as '.'. */
    public static String format(Sudoku board) {
        return String.join(System.lineSeparator(), lines(board)) + System.lineSeparator();
    }

    /** A puzzle beside its solved board, titled "puzzle" and "solved". */
    public static String sideBySide(Sudoku puzzle, Sudoku solved) {
        return sideBySide(puzzle, solved, "puzzle", "solved");
    }

    /** Two boards of the same size side by side, each under its title. */
    public static String sideBySide(Sudoku left, Sudoku right, String leftTitle,
                                    String rightTitle) {
        if (left.k() != right.k()) {
            throw new IllegalArgumentException(
                    "boards differ in size: k=" + left.k() + " and k=" + right.k());
        }
        List<String> a = lines(left);
        List<String> b = lines(right);
        int width = a.get(0).length();
        StringBuilder sb = new StringBuilder();
        sb.append(pad(leftTitle, width)).append(GAP).append(rightTitle).append(System.lineSeparator());
        for (int i = 0; i < a.size(); i++) {
            sb.append(a.get(i)).append(GAP).append(b.get(i)).append(System.lineSeparator());
        }
        return sb.toString();
    }

    private static List<String> lines(Sudoku board) {
        int k = board.k();
        int size = board.size();
        List<String> out = new ArrayList<>(size + k - 1);
        String rule = ruleLine(k);
        for (int r = 0; r < size; r++) {
            if (r > 0 && r % k == 0) {
                out.add(rule);
            }
            StringBuilder sb = new StringBuilder();
            for (int c = 0; c < size; c++) {
                if (c > 0) {
                    sb.append(c % k == 0 ? " | " : " ");
                }
                sb.append(Sudoku.symbol(board.get(r, c)));
            }
            out.add(sb.toString());
        }
        return out;
    }

    /** The horizontal border, lined up with the " | " of the cell rows. */
    private static String ruleLine(int k) {
        String box = "-".repeat(2 * k - 1);
        StringBuilder sb = new StringBuilder(box);
        for (int i = 1; i < k; i++) {
            sb.append("-+-").append(box);
        }
        return sb.toString();
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }
}
