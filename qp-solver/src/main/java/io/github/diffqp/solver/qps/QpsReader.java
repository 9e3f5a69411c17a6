package io.github.diffqp.solver.qps;

import io.github.diffqp.solver.QpBatch;
import io.github.diffqp.solver.backend.BackendCapacityException;

import io.github.diffqp.solver.QpProblem;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
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
 *   <li><b>Fixed and free format.</b> A data line is split at white space (free MPS), which also reads fixed
 *   MPS as long as no name contains a space: its fields are then the same either way. A file whose names contain
 *   spaces (QFORPLAN of the Maros–Meszaros set: row {@code DEDO3 1R}) is read by its fixed-format columns
 *   (2–3, 5–12, 15–22, 25–36, 40–47, 50–61) from the first data line that free format cannot read, provided
 *   that line's text lies within those columns, one of its fields has a space in it and it reads without
 *   fault that way (else the free reading's fault is reported); the lines before read the same in either
 *   format, and a line that fails is left unapplied, so it is simply read again.
 *   From then on every data line must fit the columns. A line that free format reads without fault is read
 *   free: a name with a space is noticed where it breaks the free reading, which in ROWS it always does
 *   (three fields for two). Names are trimmed. An omitted RHS, RANGES or BOUNDS set name (blank in fixed format,
 *   absent in free format) is recognised by the field count. Only one RHS, RANGES and BOUNDS set may
 *   appear.</li>
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
 * source and line; a line that lacks a value (a bound, RHS, RANGES, COLUMNS or quadratic entry) is reported
 * as such, not as the unknown name the shifted fields would otherwise suggest. {@link #dimensions} reads a
 * file with the same checks without building its dense matrices.
 */
public final class QpsReader {
    /** Values of at least this magnitude are infinite, as in most MPS readers and writers. */
    public static final double INFINITY = 1e20;

    private static final double INF = Double.POSITIVE_INFINITY;
    private static final String INFINITY_NOTE = " (|value| ≥ 1e20 is infinite)";
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
        return parse(reader, sourceName).build();
    }

    /**
     * Reads a QPS file as {@link #read(Path)} does, with the same checks and errors, but builds no matrix:
     * the sizes of a file too large to hold densely, or to size before building it.
     */
    public static QpsDimensions dimensions(Path path) throws IOException {
        try (BufferedReader in = Files.newBufferedReader(path, StandardCharsets.ISO_8859_1)) {
            return dimensions(in, path.toString());
        }
    }

    /** {@link #dimensions(Path)} of QPS text from {@code reader} (not closed here). */
    public static QpsDimensions dimensions(Reader reader, String sourceName) throws IOException {
        return parse(reader, sourceName).dimensions();
    }

    private static Parser parse(Reader reader, String sourceName) throws IOException {
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
                return parser;
            }
        }
        throw parser.endWithoutEndata();
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
        /** Fixed-format MPS fields as 1-based inclusive column ranges: type, name, name, value, name, value. */
        private static final int[][] FIXED_FIELDS = {{2, 3}, {5, 12}, {15, 22}, {25, 36}, {40, 47}, {50, 61}};

        private final String source;
        private int lineNumber;
        private Section section;
        private String sectionWord; // the header as the file spells it (QSECTION, not QUADOBJ), for messages
        private final Set<Section> seen = EnumSet.noneOf(Section.class);
        private final Map<Section, String> setNames = new EnumMap<>(Section.class);
        private int fixedFormatLine; // the line from which data lines are read by their columns; 0 while free

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

        QpsFormatException endWithoutEndata() {
            if (section == null) {
                return new QpsFormatException(source, Math.max(1, lineNumber),
                        "no QPS section in the input (expected NAME, ROWS, COLUMNS, ..., ENDATA)");
            }
            return error("missing ENDATA at the end of the input");
        }

        /** Takes one line; true once ENDATA is reached. */
        boolean accept(String line) {
            lineNumber++;
            if (line.isBlank() || line.startsWith("*")) {
                return false;
            }
            if (!Character.isWhitespace(line.charAt(0))) {
                return header(line, line.trim().split("\\s+"));
            }
            if (section == null) {
                throw error("data line before any section header");
            }
            if (fixedFormatLine > 0) {
                int stray = strayColumn(line);
                if (stray > 0) {
                    throw error("text at column " + stray + " lies outside the fixed-format fields (columns 2-3, "
                            + "5-12, 15-22, 25-36, 40-47, 50-61); the file is read by these columns since line "
                            + fixedFormatLine + ", where a name contains a space");
                }
                data(fixedFields(line));
                return false;
            }
            try {
                data(line.trim().split("\\s+"));
            } catch (QpsFormatException freeFault) {
                // Free format failed. If the fixed columns hold the line's text, a field among them has a space
                // and the line reads without fault that way, the file is fixed format (QFORPLAN's 'DEDO3 1R');
                // the lines before read the same either way, as none had a field with a space in it. Otherwise
                // the free reading's fault stands: a short free-format line often fits the columns by chance.
                String[] fixed = strayColumn(line) == 0 ? fixedFields(line) : null;
                if (fixed == null || Arrays.stream(fixed).noneMatch(f -> f.contains(" "))) {
                    throw freeFault;
                }
                try {
                    data(fixed);
                } catch (QpsFormatException fixedFault) {
                    throw freeFault;
                }
                fixedFormatLine = lineNumber;
            }
            return false;
        }

        /** Reads one data line's fields. A line refused here has changed nothing, so it may be read again. */
        private void data(String[] f) {
            switch (section) {
                case NAME -> throw error("unexpected data line in the NAME section");
                case OBJSENSE -> sense(f, 0);
                case ROWS -> row(f);
                case COLUMNS -> column(f);
                case RHS, RANGES -> rowValues(f);
                case BOUNDS -> bound(f);
                case QUADOBJ, QMATRIX -> quadratic(f);
                default -> throw new AssertionError(section);
            }
        }

        /** The 1-based column of the first character outside the fixed-format fields, or of a tab; 0 if none. */
        private static int strayColumn(String line) {
            int field = 0;
            for (int c = 1; c <= line.length(); c++) {
                char ch = line.charAt(c - 1);
                while (field < FIXED_FIELDS.length && c > FIXED_FIELDS[field][1]) {
                    field++;
                }
                boolean inField = field < FIXED_FIELDS.length && c >= FIXED_FIELDS[field][0];
                if (ch == '\t' || (ch != ' ' && !inField)) {
                    return c;
                }
            }
            return 0;
        }

        /** The non-blank fixed-format fields of a line, trimmed, in order. */
        private static String[] fixedFields(String line) {
            List<String> fields = new ArrayList<>(FIXED_FIELDS.length);
            for (int[] range : FIXED_FIELDS) {
                if (line.length() >= range[0]) {
                    String text = line.substring(range[0] - 1, Math.min(line.length(), range[1])).trim();
                    if (!text.isEmpty()) {
                        fields.add(text);
                    }
                }
            }
            return fields.toArray(String[]::new);
        }

        private boolean header(String line, String[] f) {
            Section next = Section.named(f[0]);
            if (next == null) {
                throw error("unknown section '" + f[0] + "'" + (section == null ? "" : " (a data line must start with a blank)"));
            }
            Section slot = next == Section.QMATRIX ? Section.QUADOBJ : next;
            if (!seen.add(slot)) {
                throw error(next.isQuadratic() ? "a second quadratic section" : "section " + next + " appears twice");
            }
            requireBefore(next);
            section = next;
            sectionWord = f[0].toUpperCase(Locale.ROOT);
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

        /** A line whose last field names a row, where a value belongs, lacks that row's value. */
        private boolean endsWithRowName(String[] f) {
            String last = f[f.length - 1];
            return rows.containsKey(last) && !NUMBER.matcher(last).matches();
        }

        private void column(String[] f) {
            if (f.length >= 2 && f[1].equalsIgnoreCase("'MARKER'")) {
                return; // integrality markers: DiffQP solves the continuous relaxation
            }
            String last = f[f.length - 1];
            boolean lastIsNumber = NUMBER.matcher(last).matches();
            if ((f.length == 2 || f.length == 4) && !lastIsNumber) {
                throw error("row '" + last + "' has no value for column '" + f[0] + "'");
            }
            if (f.length == 2) {
                throw error("value " + last + " for column '" + f[0] + "' has no row name");
            }
            String layout = "a column name and one or two (row, value) pairs";
            expectFields(f, 3, 5, layout);
            if (f.length == 4) {
                throw fieldCountError(f, layout);
            }
            boolean sameColumn = current != null && current.name.equals(f[0]);
            if (!sameColumn && columns.containsKey(f[0])) {
                throw error("duplicate column name '" + f[0] + "' (its entries must be contiguous)");
            }
            int pairs = (f.length - 1) / 2;
            Row[] lineRows = new Row[pairs];
            double[] values = new double[pairs];
            for (int k = 0; k < pairs; k++) {
                lineRows[k] = knownRow(f[1 + 2 * k]);
                values[k] = finiteNumber(f[2 + 2 * k]);
                if ((sameColumn && currentRows.contains(lineRows[k])) || (k == 1 && lineRows[1] == lineRows[0])) {
                    throw error("duplicate entry for column '" + f[0] + "' in row '" + lineRows[k].name + "'");
                }
            }
            if (!sameColumn) {
                current = new Column(f[0], columns.size());
                columns.put(current.name, current);
                currentRows.clear();
            }
            for (int k = 0; k < pairs; k++) {
                Row row = lineRows[k];
                currentRows.add(row);
                if (row == objective) {
                    current.cost = values[k];
                } else if (row.type != RowType.N) {
                    entries.add(new Entry(row.index, current.index, values[k]));
                }
            }
        }

        /** RHS and RANGES lines share a layout: an optional set name, then one or two (row, value) pairs. */
        private void rowValues(String[] f) {
            if (endsWithRowName(f)) {
                throw error("row '" + f[f.length - 1] + "' has no value in " + sectionWord);
            }
            expectFields(f, 2, 5, "[set name] row value [row value]");
            boolean ranges = section == Section.RANGES;
            int first = f.length % 2; // odd field count: a set name comes first
            if (first == 1) {
                checkSet(f[0]);
            }
            int pairs = (f.length - first) / 2;
            Row[] lineRows = new Row[pairs];
            double[] values = new double[pairs];
            for (int k = 0; k < pairs; k++) {
                Row row = knownRow(f[first + 2 * k]);
                double value = number(f[first + 2 * k + 1]);
                if ((ranges ? !Double.isNaN(row.range) : row.hasRhs) || (k == 1 && row == lineRows[0])) {
                    throw error("duplicate " + sectionWord + " entry for row '" + row.name + "'");
                }
                if (!ranges && row == objective && Double.isInfinite(value)) {
                    throw error("infinite objective constant " + f[first + 2 * k + 1] + INFINITY_NOTE);
                }
                lineRows[k] = row;
                values[k] = value;
            }
            if (first == 1) {
                setNames.putIfAbsent(section, f[0]);
            }
            for (int k = 0; k < pairs; k++) {
                Row row = lineRows[k];
                if (ranges) {
                    row.range = values[k]; // ignored on N rows, as the MPS standard says
                } else {
                    row.rhs = values[k];
                    row.hasRhs = true;
                }
                row.valueLine = lineNumber;
            }
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
                // "UP X", or "UP BND X" where BND is no column: the value is missing, not the column unknown.
                String last = f[f.length - 1];
                if ((rest == 1 || (rest == 2 && !columns.containsKey(f[1]))) && !NUMBER.matcher(last).matches()) {
                    throw error("the " + type + " bound on column '" + last + "' has no value");
                }
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
            boolean infeasible = switch (type) {
                case UP, UI, SC -> v == -INF;
                case LO, LI -> v == INF;
                case FX -> Double.isInfinite(v);
                default -> false;
            };
            if (infeasible) {
                throw error("bound " + type + " makes column '" + col.name + "' infeasible (infinite in the wrong direction)");
            }
            if (columnAt == 2) {
                setNames.putIfAbsent(section, f[1]);
            }
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
            if (f.length == 2 && columns.containsKey(f[0]) && columns.containsKey(f[1])) {
                throw error("the quadratic entry (" + f[0] + ", " + f[1] + ") has no value");
            }
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

        /** Refuses a second set name in this section; the caller records the first once the line is accepted. */
        private void checkSet(String setName) {
            String first = setNames.get(section);
            if (first != null && !first.equals(setName)) {
                throw error("a second " + sectionWord + " set '" + setName + "' (only one is supported; the first was '"
                        + first + "')");
            }
        }

        private Row knownRow(String rowName) {
            Row row = rows.get(rowName);
            if (row == null) {
                throw error("unknown row '" + rowName + "' in " + sectionWord);
            }
            return row;
        }

        private Column knownColumn(String columnName) {
            Column col = columns.get(columnName);
            if (col == null) {
                throw error("unknown column '" + columnName + "' in " + sectionWord);
            }
            return col;
        }

        private void expectFields(String[] f, int min, int max, String layout) {
            if (f.length < min || f.length > max) {
                throw fieldCountError(f, layout);
            }
        }

        private QpsFormatException fieldCountError(String[] f, String layout) {
            return error("expected " + layout + " in " + sectionWord + ", found " + f.length
                    + (f.length == 1 ? " field" : " fields"));
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
                throw error("infinite coefficient " + token + INFINITY_NOTE);
            }
            return v;
        }

        QpsDimensions dimensions() {
            return new QpsDimensions(name, columns.size(), constraints.size(), entries.size(), quadratic.size(),
                    fixedFormatLine);
        }

        QpsModel build() {
            int n = columns.size();
            List<double[]> sides = constraints.stream().map(this::interval).toList();
            requireDenseFits(n, sides);
            double[][] dense = new double[constraints.size()][n];
            for (Entry e : entries) {
                dense[e.row()][e.column()] = e.value();
            }
            Constraints out = new Constraints();
            for (Row row : constraints) {
                double[] side = sides.get(row.index);
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

        /**
         * Refuses, before allocating, a file whose dense form cannot be held: more columns than a dense n×n
         * matrix allows, or dense rows (constraints, bound rows, Q) beyond the heap. A QPS file is sparse:
         * 2 MB of free columns can ask for gigabytes densely.
         */
        private void requireDenseFits(int n, List<double[]> sides) {
            QpBatch.requireVariables(n);
            long gRows = 0, aRows = 0;
            for (double[] side : sides) {
                aRows += Constraints.equalityRows(side[0], side[1]);
                gRows += Constraints.inequalityRows(side[0], side[1]);
            }
            for (Column col : columns.values()) {
                aRows += Constraints.equalityRows(col.effectiveLower(), col.upper);
                gRows += Constraints.inequalityRows(col.effectiveLower(), col.upper);
            }
            // Q, the constraint rows, one unit row per bounded column, and G and A flattened from them.
            long entries = (long) n * n + (long) constraints.size() * n + 2 * (gRows + aRows) * n;
            BackendCapacityException.requireHeap(8 * entries, source + " in dense form (n = " + n + ", m = " + gRows
                    + ", q = " + aRows + ")");
        }

        /** An interval end as a file's reader thinks of it: ±inf rather than Java's "Infinity". */
        private static String intervalEnd(double v) {
            if (Double.isNaN(v)) {
                return "inf - inf";
            }
            return Double.isInfinite(v) ? (v > 0 ? "+inf" : "-inf") : Double.toString(v);
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
                        + "' has no finite side: its interval is [" + intervalEnd(side[0]) + ", " + intervalEnd(side[1]) + "]"
                        + INFINITY_NOTE);
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

        /** Rows of A that {@code lo ≤ a·x ≤ hi} becomes: one when the sides meet, else none. */
        static int equalityRows(double lo, double hi) {
            return lo == hi ? 1 : 0;
        }

        /** Rows of G that {@code lo ≤ a·x ≤ hi} becomes: one per finite side, unless it is an equality. */
        static int inequalityRows(double lo, double hi) {
            return lo == hi ? 0 : (hi < INF ? 1 : 0) + (lo > -INF ? 1 : 0);
        }

        /** Adds {@code lo ≤ coefficients·x ≤ hi}: as {@link #equalityRows} and {@link #inequalityRows} count. */
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
