package io.github.diffqp.cli;

import io.github.diffqp.solver.Status;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/** The short report {@code diffqp solve} prints: counts of statuses, iteration spread, wall time. */
final class RunSummary {
    private RunSummary() {
    }

    /** {@code solved 3/3}, or {@code solved 2/3, max_iterations 1} when some were not solved. */
    static String statuses(Status[] status) {
        Map<Status, Integer> counts = new EnumMap<>(Status.class);
        for (Status s : status) {
            counts.merge(s, 1, Integer::sum);
        }
        StringJoiner line = new StringJoiner(", ");
        line.add(Status.SOLVED.label() + " " + counts.getOrDefault(Status.SOLVED, 0) + "/" + status.length);
        counts.forEach((s, c) -> {
            if (s != Status.SOLVED) {
                line.add(s.label() + " " + c);
            }
        });
        return line.toString();
    }

    /** {@code min 6, median 7, max 9}; the median of an even count is the mean of the middle two. */
    static String iterations(int[] iterations) {
        if (iterations.length == 0) {
            return "none";
        }
        int[] sorted = iterations.clone();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        String median = sorted.length % 2 == 1 ? Integer.toString(sorted[mid])
                : number((sorted[mid - 1] + sorted[mid]) / 2.0);
        return "min " + sorted[0] + ", median " + median + ", max " + sorted[sorted.length - 1];
    }

    /** A duration for people: milliseconds below a second, seconds above. */
    static String duration(long nanos) {
        double ms = nanos / 1e6;
        return ms < 1000 ? String.format(Locale.ROOT, "%.1f ms", ms) : String.format(Locale.ROOT, "%.2f s", ms / 1000);
    }

    private static String number(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
