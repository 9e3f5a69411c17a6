package io.github.diffqp.benchmarks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The comparison's rows as a plain-text table, a markdown document and JSON.
 *
 * <p>The JSON is an array with one object per row. Its keys, in order: {@code case}, {@code solver},
 * {@code backend}, {@code seconds_per_batch}, {@code ratio_to_diffqp}, {@code max_abs_dx},
 * {@code max_rel_dgrad} (the documented ones), then {@code batch}, {@code n}, {@code m}, {@code q},
 * {@code backward_seconds_per_batch}, {@code ratio_to_fastest}, {@code allocated_mib_per_batch},
 * {@code backward_allocated_mib_per_batch}, {@code solved}, {@code max_iterations}, {@code runs},
 * {@code problems_timed}, {@code gflops}, {@code peak_share}. A
 * number that does not apply is {@code null}. See {@link Row} for what each means.
 */
public final class Report {
    /** The keys every JSON row has, the documented ones first. */
    public static final List<String> JSON_KEYS = List.of("case", "solver", "backend", "seconds_per_batch",
            "ratio_to_diffqp", "max_abs_dx", "max_rel_dgrad", "batch", "n", "m", "q", "backward_seconds_per_batch",
            "ratio_to_fastest", "allocated_mib_per_batch", "backward_allocated_mib_per_batch", "solved",
            "max_iterations", "runs", "problems_timed", "gflops", "peak_share");

    private static final String[] HEADER = {"case", "B×(n, m, q)", "solver", "backend", "forward", "backward",
            "× DiffQP", "× fastest", "GFLOP/s", "% peak", "alloc MiB", "solved", "max |Δx|", "max rel Δgrad"};

    private Report() {
    }

    /** The rows as an aligned plain-text table, one line per row. */
    public static String text(List<Row> rows) {
        List<String[]> cells = cells(rows);
        int[] width = new int[HEADER.length];
        for (String[] line : cells) {
            for (int k = 0; k < line.length; k++) {
                width[k] = Math.max(width[k], line[k].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            String[] line = cells.get(i);
            for (int k = 0; k < line.length; k++) {
                // Text columns left, numbers right, as the eye reads them.
                boolean left = k < 4;
                String cell = left ? pad(line[k], width[k]) : padLeft(line[k], width[k]);
                sb.append(k == 0 ? "" : "  ").append(cell);
            }
            sb.append(System.lineSeparator());
            if (i == 0) {
                int total = 0;
                for (int w : width) {
                    total += w + 2;
                }
                sb.append("-".repeat(total - 2)).append(System.lineSeparator());
            }
        }
        return sb.toString();
    }

    /**
     * A markdown document: a heading, the machine and command, the table, and what the columns mean.
     *
     * @param machine one line describing where it ran ({@link Machine#describe()})
     * @param command the command line that produced it
     */
    public static String markdown(List<Row> rows, String machine, String command) {
        StringBuilder sb = new StringBuilder();
        sb.append("## DiffQP side by side\n\n");
        sb.append("Machine: ").append(machine).append("  \n");
        sb.append("Command: `").append(command).append("`\n\n");
        List<String[]> cells = cells(rows);
        for (int i = 0; i < cells.size(); i++) {
            sb.append("| ").append(String.join(" | ", escape(cells.get(i)))).append(" |\n");
            if (i == 0) {
                sb.append("|");
                for (int k = 0; k < HEADER.length; k++) {
                    sb.append(k < 4 ? " --- |" : " ---: |");
                }
                sb.append('\n');
            }
        }
        sb.append('\n').append(LEGEND);
        return sb.toString();
    }

    /** What the columns mean; printed under the table and written into the markdown. */
    public static final String LEGEND = """
            - **forward**, **backward**: median wall time for the whole batch after warm-up (backward: DiffQP's \
            vector–Jacobian product for a fixed dl/dx, after its forward). ojAlgo has no backward.
            - **× DiffQP**: forward time over DiffQP's (first backend) on the same case; **× fastest**: over the \
            case's fastest row. Above 1 is slower.
            - **GFLOP/s**: DiffQP's forward rate by the cost model's flop count (per problem and iteration, \
            forming and factoring the KKT system once: n³/3 + (m+q)·n² + q²·n + q³/3; the solves, refinement and \
            polishing are left out, so it understates the work done). **% peak**: that over the machine's peak, \
            measured at the start (see the line above the table: a vectorized multiply–add loop, one thread for \
            a batch of one, every core otherwise); for the CPU backend only.
            - **alloc MiB**: median heap allocated by one forward, all threads: an upper bound on how much the \
            heap grows during it.
            - **solved**: problems reported solved (DiffQP: status `solved`; ojAlgo: state optimal), of B. \
            `k/k of B*`: ojAlgo solved only the first k problems of the batch (its cap, `--ojalgo-max`); its \
            time and allocation are scaled by B/k to a batch.
            - **max |Δx|**: largest difference of x from DiffQP's (first backend) over the problems solved.
            - **max rel Δgrad**: for DiffQP, a finite-difference check of its gradients on the case's first \
            problems: per datum, the directional derivative of ℓ = Σ gᵀx* along a random direction from the \
            gradients against a central difference, relative (`DirectionalCheck`); up to a few 1e-3 is \
            agreement (finite-difference noise, and the forward's own accuracy at tolerance 1e-8, which leaves \
            x about 1e-4 from the optimum), 1e-2 or more means the gradient disagrees with how the solution \
            moves. For a second DiffQP backend: its gradients against the first's. Empty for ojAlgo, which \
            has no gradients.
            """;

    /** The rows as a JSON array, one object per row (keys: {@link #JSON_KEYS}). */
    public static String json(List<Row> rows) {
        StringBuilder sb = new StringBuilder("[\n");
        for (int i = 0; i < rows.size(); i++) {
            Map<String, Object> o = jsonObject(rows.get(i));
            sb.append("  {");
            int k = 0;
            for (Map.Entry<String, Object> e : o.entrySet()) {
                sb.append(k++ == 0 ? "" : ", ").append(quote(e.getKey())).append(": ").append(value(e.getValue()));
            }
            sb.append(i + 1 < rows.size() ? "},\n" : "}\n");
        }
        return sb.append("]\n").toString();
    }

    static Map<String, Object> jsonObject(Row r) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("case", r.caseName());
        o.put("solver", r.solver());
        o.put("backend", r.backend());
        o.put("seconds_per_batch", r.secondsPerBatch());
        o.put("ratio_to_diffqp", r.ratioToDiffqp());
        o.put("max_abs_dx", r.maxAbsDx());
        o.put("max_rel_dgrad", r.maxRelDgrad());
        o.put("batch", r.batch());
        o.put("n", r.n());
        o.put("m", r.m());
        o.put("q", r.q());
        o.put("backward_seconds_per_batch", r.backwardSeconds());
        o.put("ratio_to_fastest", r.ratioToFastest());
        o.put("allocated_mib_per_batch", r.allocatedMb());
        o.put("backward_allocated_mib_per_batch", r.backwardAllocatedMb());
        o.put("solved", r.solved());
        o.put("max_iterations", Double.isNaN(r.maxIterations()) ? null : (int) r.maxIterations());
        o.put("runs", r.runs());
        o.put("problems_timed", r.problemsTimed());
        o.put("gflops", r.gflops());
        o.put("peak_share", r.peakShare());
        return o;
    }

    private static String value(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof Double d) {
            // JSON has no NaN: "does not apply" is null.
            return Double.isFinite(d) ? Double.toString(d) : "null";
        }
        if (v instanceof Number) {
            return v.toString();
        }
        return quote(v.toString());
    }

    private static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    private static List<String[]> cells(List<Row> rows) {
        List<String[]> out = new ArrayList<>();
        out.add(HEADER);
        for (Row r : rows) {
            out.add(new String[] {
                    r.caseName(),
                    r.batch() + "×(" + r.n() + ", " + r.m() + ", " + r.q() + ")",
                    r.solver(),
                    r.backend(),
                    seconds(r.secondsPerBatch()),
                    seconds(r.backwardSeconds()),
                    ratio(r.ratioToDiffqp()),
                    ratio(r.ratioToFastest()),
                    number(r.gflops(), "%.2f"),
                    number(100 * r.peakShare(), "%.1f"),
                    number(r.allocatedMb(), "%.2f"),
                    r.problemsTimed() == r.batch() ? r.solved() + "/" + r.batch()
                            : r.solved() + "/" + r.problemsTimed() + " of " + r.batch() + "*",
                    number(r.maxAbsDx(), "%.1e"),
                    number(r.maxRelDgrad(), "%.1e")});
        }
        return out;
    }

    /** A duration for people: {@code 812 µs}, {@code 3.41 ms}, {@code 1.27 s}; a dash for NaN. */
    public static String seconds(double s) {
        if (Double.isNaN(s)) {
            return "—";
        }
        if (s < 1e-3) {
            return String.format(Locale.ROOT, "%.0f µs", s * 1e6);
        }
        if (s < 1) {
            return String.format(Locale.ROOT, "%.2f ms", s * 1e3);
        }
        return String.format(Locale.ROOT, "%.2f s", s);
    }

    private static String ratio(double r) {
        if (Double.isNaN(r)) {
            return "—";
        }
        return String.format(Locale.ROOT, r < 10 ? "%.2f" : "%.1f", r);
    }

    private static String number(double v, String format) {
        return Double.isNaN(v) ? "—" : String.format(Locale.ROOT, format, v);
    }

    private static String[] escape(String[] cells) {
        String[] out = new String[cells.length];
        for (int k = 0; k < cells.length; k++) {
            out[k] = cells[k].replace("|", "\\|");
        }
        return out;
    }

    private static String pad(String s, int width) {
        return s + " ".repeat(width - s.length());
    }

    private static String padLeft(String s, int width) {
        return " ".repeat(width - s.length()) + s;
    }
}
