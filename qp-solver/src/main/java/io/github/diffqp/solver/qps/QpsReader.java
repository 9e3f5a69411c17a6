package io.github.diffqp.solver.qps;

import io.github.diffqp.solver.QpProblem;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a convex quadratic program in QPS format (MPS with a quadratic objective section), the format
 * of the Maros–Meszaros test set, into a dense {@link QpProblem}.
 *
 * <pre>{@code
 * QpsModel model = QpsReader.read(Path.of("HS21.QPS"));
 * QpProblem qp = model.problem();          // minimize ½xᵀQx + pᵀx + c0 s.t. Gx ≤ h, Ax = b
 * }</pre>
 *
 * <h2>What is read</h2>
 * Sections NAME, OBJSENSE (MIN only), ROWS, COLUMNS, RHS, RANGES, BOUNDS, one quadratic section and
 * ENDATA. Comment lines start with {@code *}; section headers start in the first column, data lines
 * with white space.
 * <ul>
 *   <li><b>Fixed and free format.</b> Every line is split at white space, which reads free MPS and
 *   also fixed MPS as long as no name contains a space (true of the whole Maros–Meszaros set, checked
 *   field by field). An omitted RHS, RANGES or BOUNDS set name (blank in fixed format, absent in free
 *   format) is recognised by the field count. Only one RHS, RANGES and BOUNDS set may appear.</li>
 *   <li><b>ROWS.</b> The first N row is the objective; other N rows and everything said about them are
 *   ignored.</li>
 *   <li><b>COLUMNS.</b> Integer {@code 'MARKER'} lines are ignored: DiffQP solves the continuous
 *   relaxation. Each column's entries must be contiguous.</li>
 *   <li><b>RHS.</b> An entry on the objective row is {@code −c0}.</li>
 *   <li><b>RANGES</b> (MPS standard): on an L row {@code [rhs−|R|, rhs]}, on a G row
 *   {@code [rhs, rhs+|R|]}, on an E row {@code [rhs, rhs+R]} for {@code R ≥ 0} and {@code [rhs+R, rhs]}
 *   for {@code R < 0}.</li>
 *   <li><b>BOUNDS.</b> Default {@code 0 ≤ x < ∞}. UP, LO, FX, FR, MI (lower −∞, upper kept), PL, BV
 *   ([0, 1]), LI, UI (as LO, UP; integrality dropped). <b>A negative UP (or UI) with no lower bound
 *   given for that column makes the lower bound −∞</b>, the CPLEX convention, wherever in the section
 *   the UP appears (without it such a column would be infeasible, which is rarely what a file means). <b>SC</b> (semi-continuous: {@code x = 0} or {@code lo ≤ x ≤ up}) is
 *   relaxed to its convex hull {@code [min(lo, 0), up]}, in keeping with integrality being dropped.</li>
 *   <li><b>Quadratic section.</b> QUADOBJ and QSECTION list one triangle of Q, mirrored here; an entry
 *   and its transpose together are refused as a duplicate. QMATRIX lists the whole matrix; it is
 *   symmetrized ({@code (M + Mᵀ)/2}), which keeps {@code xᵀMx} and so the objective.</li>
 *   <li><b>Infinity.</b> A value with {@code |v| ≥ 1e20} is infinite. A bound or row side that is
 *   infinite in the infeasible direction (UP −∞, LO +∞, an E row with infinite right-hand side) is
 *   refused, because it cannot be written as a finite row of G or A.</li>
 * </ul>
 *
 * <h2>Mapping to DiffQP's form</h2>
 * Each constraint row and each variable has an interval {@code [lo, hi]}; an interval with
 * {@code lo == hi} becomes one row of A ({@code a·x = lo}), otherwise a finite {@code hi} gives the G row
 * {@code a·x ≤ hi} and a finite {@code lo} the G row {@code −a·x ≤ −lo}. So an L row is one G row, a G
 * row one negated G row, a ranged row two G rows (an equality when the range is zero), a two-sided
 * bound two G rows, a fixed variable (FX, or LO equal to UP) an equality {@code x_j = v}, and a free
 * variable nothing. The variables themselves are kept as they are, fixed ones included. Rows of G and
 * of A come first from the constraint rows in file order, then from the variables in column order;
 * {@link QpsModel#inequalityNames()} and {@link QpsModel#equalityNames()} say which is which.
 *
 * <p>Reading stops at ENDATA. Malformed input is refused with a {@link QpsFormatException} naming the
 * source and line.
 */
public final class QpsReader {
    /** Values of at least this magnitude are infinite, as in most MPS readers and writers. */
    public static final double INFINITY = 1e20;

    private static final double INF = Double.POSITIVE_INFINITY;
    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eEdD][+-]?\\d+)?");

    private QpsReader() {
    }

    /** Reads a QPS file; error messages name it by {@code path} as given. */
    public static QpsModel read(Path path) throws IOException {
        // Latin-1 maps every byte to a character, so stray non-ASCII bytes in comments cannot fail
        // the read; names are ASCII in practice.
        try (BufferedReader in = Files.newBufferedReader(path, StandardCharsets.ISO_8859_1)) {
            return read(in, path.toString());
        }
    }

    /**
     * Reads QPS text from {@code reader} (not closed here).
     *
     * @param sourceName the name used in error messages, a file name say
     */
    public static QpsModel read(Reader reader, String sourceName) throws IOException {
        BufferedReader in = reader instanceof BufferedReader b ? b : new BufferedReader(reader);
        Parser parser = new Parser(sourceName);
        String line;
        boolean first = true;
        while ((line = in.readLine()) != null) {
            if (first) {
                line = withoutByteOrderMark(line);
                first = false;
            }
            if (parser.accept(line)) {
                return parser.build();
            }
        }
        throw parser.error("missing ENDATA at the end of the input");
    }

    /**
     * The first line without a UTF-8 byte-order mark, as editors on Windows write it: read as Latin-1 (see
     * {@link #read(Path)}) it is the three characters ï»¿, through a UTF-8 reader the one character U+FEFF.
     */
    private static String withoutByteOrderMark(String line) {
        if (line.startsWith("\uFEFF")) {
            return line.substring(1);
        }
        return line.startsWith("\u00EF\u00BB\u00BF") ? line.substring(3) : line;
    }

    /** {@code −v}, but never −0.0, which prints oddly and is unequal to 0.0 under {@code Arrays.equals}. */
    private static double negate(double v) {
        return 0.0 - v;
    }

    private enum Section {
        NAME, OBJSENSE, ROWS, COLUMNS, RHS, RANGES, BOUNDS, QUADOBJ, QMATRIX, ENDATA;

        static Section named(String keyword) {
            String k = keyword.toUpperCase(Locale.ROOT);
            if (k.equals("QSECTION")) {
                return QUADOBJ; // same layout as QUADOBJ: one triangle
            }
            for (Section s : values()) {
                if (s.name().equals(k)) {
                    return s;
                }
            }
            return null;
        }

        boolean isQuadratic() {
            return this == QUADOBJ || this == QMATRIX;
        }
    }

    private enum RowType { N, E, L, G }

    private enum BoundType {
        UP(true), LO(true), FX(true), FR(false), MI(false), PL(false), BV(false), LI(true), UI(true), SC(true);

        final boolean takesValue;

        BoundType(boolean takesValue) {
            this.takesValue = takesValue;
        }
    }

    private static final class Row {
        final String name;
        final RowType type;
        final int index; // among the constraint rows; -1 for N rows
        double rhs;
        boolean hasRhs;
        double range = Double.NaN;
        int valueLine; // the last RHS or RANGES line about this row, for errors found when building

        Row(String name, RowType type, int index, int line) {
            this.name = name;
            this.type = type;
            this.index = index;
            this.valueLine = line;
        }
    }

    private static final class Column {
        final String name;
        final int index;
        double cost;
        double lower = 0;
        double upper = INF;
        boolean lowerGiven;
        boolean upperNegativeFromUp; // triggers the CPLEX convention unless a lower bound is given
        boolean semicontinuous;

        Column(String name, int index) {
            this.name = name;
            this.index = index;
        }

        double effectiveLower() {
            double lo = upperNegativeFromUp && !lowerGiven ? -INF : lower;
            return semicontinuous ? Math.min(lo, 0) : lo;
        }
    }

    private record Entry(int row, int column, double value) {
    }

    private static final class Parser {
        private final String source;
        private int lineNumber;
        private Section section;
        private final Set<Section> seen = EnumSet.noneOf(Section.class);
        private final Map<Section, String> setNames = new EnumMap<>(Section.class);

        private String name = "";
        private final Map<String, Row> rows = new LinkedHashMap<>();
        private final List<Row> constraints = new ArrayList<>();
        private Row objective;
        private final Map<String, Column> columns = new LinkedHashMap<>();
        private Column current;
        private final Set<Row> currentRows = new HashSet<>();
        private final List<Entry> entries = new ArrayList<>();
        private final List<Entry> quadratic = new ArrayList<>();
        private final Set<Long> quadraticKeys = new HashSet<>();
        private boolean fullQuadratic; // QMATRIX rather than a triangle

        Parser(String source) {
            this.source = source;
        }

        QpsFormatException error(String message) {
            return new QpsFormatException(source, lineNumber, message);
        }

        /** Takes one line; true once ENDATA is reached. */
        boolean accept(String line) {
            lineNumber++;
            if (line.isBlank() || line.startsWith("*")) {
                return false;
            }
            String[] f = line.trim().split("\\s+");
            if (!Character.isWhitespace(line.charAt(0))) {
                return header(line, f);
            }
            if (section == null) {
                throw error("data line before any section header");
            }
            switch (section) {
                case NAME -> throw error("unexpected data line in the NAME section");
                case OBJSENSE -> sense(f, 0);
                case ROWS -> row(f);
                case COLUMNS -> column(f);
                case RHS -> rowValues(f, this::rhs);
                case RANGES -> rowValues(f, this::range);
                case BOUNDS -> bound(f);
                case QUADOBJ, QMATRIX -> quadratic(f);
                default -> throw new AssertionError(section);
            }
            return false;
        }

        private boolean header(String line, String[] f) {
            Section next = Section.named(f[0]);
            if (next == null) {
                throw error("unknown section '" + f[0] + "'");
            }
            Section slot = next == Section.QMATRIX ? Section.QUADOBJ : next;
            if (!seen.add(slot)) {
                throw error(next.isQuadratic() ? "a second quadratic section" : "section " + next + " appears twice");
            }
            requireBefore(next);
            section = next;
            fullQuadratic |= next == Section.QMATRIX;
            if (next == Section.NAME) {
                name = line.trim().substring(f[0].length()).trim();
            } else if (next == Section.OBJSENSE && f.length > 1) {
                sense(f, 1);
            } else if (f.length > 1) {
                throw error("unexpected text after " + f[0]);
            }
            return next == Section.ENDATA;
        }

        /** Sections may only refer to what earlier sections declared. */
        private void requireBefore(Section next) {
            switch (next) {
                case NAME -> {
                    if (seen.size() > 1) {
                        throw error("NAME must be the first section");
                    }
                }
                case OBJSENSE -> {
                    if (seen.contains(Section.ROWS)) {
                        throw error("OBJSENSE must come before ROWS");
                    }
                }
                case COLUMNS, ENDATA -> require(Section.ROWS, next);
                case RHS, RANGES, BOUNDS, QUADOBJ, QMATRIX -> require(Section.COLUMNS, next);
                default -> {
                }
            }
        }

        private void require(Section earlier, Section next) {
            if (!seen.contains(earlier)) {
                throw error("section " + earlier + " missing before " + next);
            }
        }

        private void sense(String[] f, int at) {
            if (f.length != at + 1) {
                throw error("expected one objective sense, MIN or MAX");
            }
            switch (f[at].toUpperCase(Locale.ROOT)) {
                case "MIN", "MINIMIZE" -> {
                }
                case "MAX", "MAXIMIZE" -> throw error("maximization is not supported: DiffQP minimizes a convex objective");
                default -> throw error("unknown objective sense '" + f[at] + "'");
            }
        }

        private void row(String[] f) {
            expectFields(f, 2, 2, "a row type and a row name");
            RowType type;
            try {
                type = RowType.valueOf(f[0].toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw error("unknown row type '" + f[0] + "' (expected N, E, L or G)");
            }
            if (rows.containsKey(f[1])) {
                throw error("duplicate row name '" + f[1] + "'");
            }
            Row row = new Row(f[1], type, type == RowType.N ? -1 : constraints.size(), lineNumber);
            rows.put(row.name, row);
            if (type != RowType.N) {
                constraints.add(row);
            } else if (objective == null) {
                objective = row;
            }
        }

        private void column(String[] f) {
            if (f.length >= 2 && f[1].equalsIgnoreCase("'MARKER'")) {
                return; // integrality markers: DiffQP solves the continuous relaxation
            }
            expectFields(f, 3, 5, "a column name and one or two (row, value) pairs");
            if (f.length == 4) {
                throw error("a row name without a value");
            }
            if (current == null || !current.name.equals(f[0])) {
                if (columns.containsKey(f[0])) {
                    throw error("duplicate column name '" + f[0] + "' (its entries must be contiguous)");
                }
                current = new Column(f[0], columns.size());
                columns.put(current.name, current);
                currentRows.clear();
            }
            for (int k = 1; k < f.length; k += 2) {
                Row row = knownRow(f[k]);
                double value = finiteNumber(f[k + 1]);
                if (!currentRows.add(row)) {
                    throw error("duplicate entry for column '" + current.name + "' in row '" + row.name + "'");
                }
                if (row == objective) {
                    current.cost = value;
                } else if (row.type != RowType.N) {
                    entries.add(new Entry(row.index, current.index, value));
                }
            }
        }

        private interface RowValue {
            void apply(Row row, double value);
        }

        /** RHS and RANGES lines share a layout: an optional set name, then one or two (row, value) pairs. */
        private void rowValues(String[] f, RowValue apply) {
            expectFields(f, 2, 5, "[set name] row value [row value]");
            int first = f.length % 2; // odd field count: a set name comes first
            if (first == 1) {
                checkSet(f[0]);
            }
            for (int k = first; k < f.length; k += 2) {
                Row row = knownRow(f[k]);
                apply.apply(row, number(f[k + 1]));
                row.valueLine = lineNumber;
            }
        }

        private void rhs(Row row, double value) {
            if (row.hasRhs) {
                throw error("duplicate RHS entry for row '" + row.name + "'");
            }
            if (row == objective && Double.isInfinite(value)) {
                throw error("infinite objective constant");
            }
            row.rhs = value;
            row.hasRhs = true;
        }

        private void range(Row row, double value) {
            if (!Double.isNaN(row.range)) {
                throw error("duplicate RANGES entry for row '" + row.name + "'");
            }
            row.range = value; // ignored on N rows, as the MPS standard says
        }

        private void bound(String[] f) {
            BoundType type;
            try {
                type = BoundType.valueOf(f[0].toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw error("unknown bound type '" + f[0] + "'");
            }
            // type [set] column value   for types with a value,
            // type [set] column [value] for the others (a value there is ignored)
            int rest = f.length - 1;
            int columnAt;
            if (type.takesValue) {
                expectFields(f, 3, 4, type + " [set name] column value");
                columnAt = rest == 3 ? 2 : 1;
            } else {
                expectFields(f, 2, 4, type + " [set name] column");
                columnAt = rest == 1 ? 1 : 2;
                if (rest == 3) {
                    number(f[3]);
                }
            }
            if (columnAt == 2) {
                checkSet(f[1]);
            }
            Column col = knownColumn(f[columnAt]);
            double v = type.takesValue ? number(f[columnAt + 1]) : 0;
            switch (type) {
                case UP, UI -> {
                    col.upper = v;
                    col.upperNegativeFromUp = v < 0;
                }
                case LO, LI -> setLower(col, v);
                case FX -> {
                    setLower(col, v);
                    setUpper(col, v);
                }
                case FR -> {
                    setLower(col, -INF);
                    setUpper(col, INF);
                }
                case MI -> setLower(col, -INF);
                case PL -> setUpper(col, INF);
                case BV -> {
                    setLower(col, 0);
                    setUpper(col, 1);
                }
                case SC -> {
                    setUpper(col, v);
                    col.semicontinuous = true;
                }
            }
            if (col.lower == INF || col.upper == -INF) {
                throw error("bound " + type + " makes column '" + col.name + "' infeasible (infinite in the wrong direction)");
            }
        }

        private static void setLower(Column col, double v) {
            col.lower = v;
            col.lowerGiven = true;
        }

        private static void setUpper(Column col, double v) {
            col.upper = v;
            col.upperNegativeFromUp = false;
        }

        private void quadratic(String[] f) {
            expectFields(f, 3, 3, "column column value");
            int i = knownColumn(f[0]).index;
            int j = knownColumn(f[1]).index;
            double value = finiteNumber(f[2]);
            // In a triangle an entry and its transpose name the same coefficient.
            long key = fullQuadratic ? pairKey(i, j) : pairKey(Math.min(i, j), Math.max(i, j));
            if (!quadraticKeys.add(key)) {
                throw error("duplicate quadratic entry (" + f[0] + ", " + f[1] + ")");
            }
            quadratic.add(new Entry(i, j, value));
        }

        private static long pairKey(int i, int j) {
            return ((long) i << 32) | j;
        }

        private void checkSet(String setName) {
            String first = setNames.putIfAbsent(section, setName);
            if (first != null && !first.equals(setName)) {
                throw error("a second " + section + " set '" + setName + "' (only one is supported; the first was '"
                        + first + "')");
            }
        }

        private Row knownRow(String rowName) {
            Row row = rows.get(rowName);
            if (row == null) {
                throw error("unknown row '" + rowName + "' in " + section);
            }
            return row;
        }

        private Column knownColumn(String columnName) {
            Column col = columns.get(columnName);
            if (col == null) {
                throw error("unknown column '" + columnName + "' in " + section);
            }
            return col;
        }

        private void expectFields(String[] f, int min, int max, String layout) {
            if (f.length < min || f.length > max) {
                throw error("expected " + layout + " in " + section + ", found " + f.length + " fields");
            }
        }

        private double number(String token) {
            if (!NUMBER.matcher(token).matches()) {
                throw error("bad number '" + token + "'");
            }
            double v = Double.parseDouble(token.replace('d', 'e').replace('D', 'e')); // Fortran exponents
            return Math.abs(v) >= INFINITY ? Math.copySign(INF, v) : v;
        }

        private double finiteNumber(String token) {
            double v = number(token);
            if (Double.isInfinite(v)) {
                throw error("infinite coefficient " + token);
            }
            return v;
        }

        QpsModel build() {
            int n = columns.size();
            double[][] dense = new double[constraints.size()][n];
            for (Entry e : entries) {
                dense[e.row()][e.column()] = e.value();
            }
            Constraints out = new Constraints();
            for (Row row : constraints) {
                double[] side = interval(row);
                out.add(dense[row.index], side[0], side[1], row.name);
            }
            double[] p = new double[n];
            for (Column col : columns.values()) {
                p[col.index] = col.cost;
                double[] unit = new double[n];
                unit[col.index] = 1;
                out.add(unit, col.effectiveLower(), col.upper, "bound " + col.name);
            }
            double[] q = new double[n * n];
            // QMATRIX lists both M_ij and M_ji; their mean keeps xᵀMx. A triangle entry stands for both.
            double offDiagonalWeight = fullQuadratic ? 0.5 : 1;
            for (Entry e : quadratic) {
                int i = e.row(), j = e.column();
                if (i == j) {
                    q[i * n + i] += e.value();
                } else {
                    q[i * n + j] += offDiagonalWeight * e.value();
                    q[j * n + i] += offDiagonalWeight * e.value();
                }
            }
            double c0 = objective == null ? 0 : negate(objective.rhs);
            return new QpsModel(name, out.problem(n, q, p, c0), List.copyOf(columns.keySet()),
                    constraints.stream().map(r -> r.name).toList(), out.gNames, out.aNames);
        }

        /** The row's feasible interval [lo, hi] for a·x, from its type, right-hand side and range. */
        private double[] interval(Row row) {
            double rhs = row.rhs, r = Math.abs(row.range);
            boolean ranged = !Double.isNaN(row.range);
            double[] side = switch (row.type) {
                case L -> new double[] {ranged ? rhs - r : -INF, rhs};
                case G -> new double[] {rhs, ranged ? rhs + r : INF};
                case E -> !ranged ? new double[] {rhs, rhs}
                        : row.range >= 0 ? new double[] {rhs, rhs + r} : new double[] {rhs - r, rhs};
                case N -> throw new AssertionError("N rows are not constraints");
            };
            // Also catches NaN from ∞ − ∞.
            if (!(side[0] < INF) || !(side[1] > -INF)) {
                throw new QpsFormatException(source, row.valueLine, "row '" + row.name
                        + "' has no finite side: its interval is [" + side[0] + ", " + side[1] + "]");
            }
            return side;
        }
    }

    /** The rows of G and A as they are produced, with their labels. */
    private static final class Constraints {
        final List<double[]> g = new ArrayList<>();
        final List<Double> h = new ArrayList<>();
        final List<String> gNames = new ArrayList<>();
        final List<double[]> a = new ArrayList<>();
        final List<Double> b = new ArrayList<>();
        final List<String> aNames = new ArrayList<>();

        /** Adds {@code lo ≤ coefficients·x ≤ hi}. */
        void add(double[] coefficients, double lo, double hi, String label) {
            if (lo == hi) {
                a.add(coefficients);
                b.add(lo);
                aNames.add(label);
                return;
            }
            if (hi < INF) {
                g.add(coefficients);
                h.add(hi);
                gNames.add(label + " upper");
            }
            if (lo > -INF) {
                double[] negated = new double[coefficients.length];
                for (int k = 0; k < negated.length; k++) {
                    negated[k] = negate(coefficients[k]);
                }
                g.add(negated);
                h.add(negate(lo));
                gNames.add(label + " lower");
            }
        }

        QpProblem problem(int n, double[] q, double[] p, double c0) {
            return new QpProblem(n, q, p, flatten(g, n), unbox(h), flatten(a, n), unbox(b), c0);
        }

        private static double[] flatten(List<double[]> rows, int n) {
            double[] flat = new double[rows.size() * n];
            for (int r = 0; r < rows.size(); r++) {
                System.arraycopy(rows.get(r), 0, flat, r * n, n);
            }
            return flat;
        }

        private static double[] unbox(List<Double> values) {
            return values.stream().mapToDouble(Double::doubleValue).toArray();
        }
    }
}
