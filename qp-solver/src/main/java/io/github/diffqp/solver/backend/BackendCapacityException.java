package io.github.diffqp.solver.backend;

import java.util.Locale;

/**
 * A batch needs more memory than the backend has: the Java heap for the CPU backend and for every
 * backend's host-side work, the device for a GPU backend. Thrown before the work starts, naming the bytes
 * needed and free; smaller batches (or a larger {@code -Xmx}) are the remedy.
 */
public final class BackendCapacityException extends BackendException {
    private static final long serialVersionUID = 1L;

    public BackendCapacityException(String message) {
        super(message, null);
    }

    public BackendCapacityException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Refuses, before allocating, {@code bytes} more of Java heap that would not fit. Garbage counts as used
     * until it is collected, so a request that seems not to fit triggers one collection and is checked
     * again: the cost falls only on requests near the limit.
     *
     * @param what what the memory is for, e.g. {@code "the solve of 4 problems (n = 20000)"}
     * @throws BackendCapacityException when the heap cannot hold {@code bytes} more
     */
    public static void requireHeap(long bytes, String what) {
        if (bytes <= heapAvailable()) {
            return;
        }
        System.gc();
        long available = heapAvailable();
        if (bytes > available) {
            throw new BackendCapacityException(String.format(Locale.ROOT,
                    "%s needs %s of memory, but the Java heap has %s free (of %s at most): "
                            + "solve smaller batches or raise the heap (java -Xmx)",
                    what, size(bytes), size(available), size(Runtime.getRuntime().maxMemory())));
        }
    }

    /** Heap bytes that can still be allocated: the maximum less what is in use now. */
    private static long heapAvailable() {
        Runtime rt = Runtime.getRuntime();
        return rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
    }

    /** A byte count in the largest binary unit that keeps it at least 1, e.g. {@code 9.6 GiB}. */
    public static String size(long bytes) {
        String[] units = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return unit == 0 ? bytes + " bytes" : String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }
}
