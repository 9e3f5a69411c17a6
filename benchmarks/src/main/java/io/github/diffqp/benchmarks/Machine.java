package io.github.diffqp.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Where a benchmark ran, in one line, so that a table is never read without its machine. */
public final class Machine {
    private static final Path CPUINFO = Path.of("/proc/cpuinfo");

    private Machine() {
    }

    /**
     * e.g. {@code Intel(R) Xeon(R) Processor, 2 cores visible to the JVM; max heap 5.9 GiB; Java 17.0.15 (Debian);
     * Linux amd64; load average 0.31 at start}. The load average says whether other work shared the cores.
     */
    public static String describe() {
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        return String.format(Locale.ROOT, "%s, %d cores visible to the JVM; max heap %.1f GiB; Java %s (%s); %s %s%s",
                cpuModel(), Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() / 1073741824.0,
                System.getProperty("java.version"), System.getProperty("java.vendor"), System.getProperty("os.name"),
                System.getProperty("os.arch"), load >= 0 ? String.format(Locale.ROOT, "; load average %.2f at start", load) : "");
    }

    /** The CPU's model name from /proc/cpuinfo (Linux), else the architecture. */
    public static String cpuModel() {
        try {
            if (Files.isReadable(CPUINFO)) {
                List<String> lines = Files.readAllLines(CPUINFO);
                for (String line : lines) {
                    if (line.startsWith("model name")) {
                        return line.substring(line.indexOf(':') + 1).trim();
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not Linux, or not readable: the architecture still says something.
        }
        return "CPU " + System.getProperty("os.arch");
    }
}
