package io.github.diffqp.cli;

import io.github.diffqp.solver.backend.BackendUnavailableException;
import io.github.diffqp.solver.backend.BackendProvider;
import io.github.diffqp.solver.backend.BackendProvider.Availability;
import io.github.diffqp.solver.backend.Backends;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code diffqp info}: the version, the Java runtime, the machine, every backend found with whether it
 * can run here and why not, and the one {@code auto} picks. Always exits 0: reporting that no backend
 * can run is this command's job, not a failure.
 */
@Command(name = "info", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Print the version, the Java runtime, the backends found (and why one cannot run), "
                + "and the one 'auto' picks.")
final class InfoCommand implements Callable<Integer> {
    private static final String ROW = "%-12s%s%n";

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        out.printf(ROW, "DiffQP", Version.version());
        out.printf(ROW, "Java", System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")  "
                + System.getProperty("java.home"));
        out.printf(ROW, "OS", System.getProperty("os.name") + " " + System.getProperty("os.version") + " ("
                + System.getProperty("os.arch") + ")");
        out.printf(ROW, "cores", Runtime.getRuntime().availableProcessors());
        out.printf(ROW, "max heap", String.format(Locale.ROOT, "%.1f GiB", Runtime.getRuntime().maxMemory() / 1073741824.0));
        printBackends(out);
        out.printf(ROW, "auto", autoChoice());
        return ExitCodes.OK;
    }

    private static void printBackends(PrintWriter out) {
        List<BackendProvider> providers;
        try {
            providers = Backends.all();
        } catch (RuntimeException | Error e) {
            // A broken provider jar (ServiceConfigurationError) must not hide the rest of the report.
            out.printf(ROW, "backends", "cannot list them: " + e);
            return;
        }
        out.printf(ROW, "backends", providers.isEmpty() ? "none on the class path" : "(best first)");
        int width = providers.stream().mapToInt(p -> p.name().length()).max().orElse(0);
        for (BackendProvider p : providers) {
            Availability a = availability(p);
            out.printf("  %-" + width + "s  priority %-3d  usable %-3s  %s%n", p.name(), p.priority(),
                    a.usable() ? "yes" : "no", a.reason());
        }
    }

    /** A provider's availability; a probe that throws (a native library half there) counts as unusable. */
    static Availability availability(BackendProvider p) {
        try {
            return p.availability();
        } catch (RuntimeException | LinkageError e) {
            return Availability.no("availability check failed: " + e);
        }
    }

    /** What {@code auto} resolves to, by the same rule the solver uses, or why nothing. */
    private static String autoChoice() {
        try {
            return Backends.select("auto").name();
        } catch (BackendUnavailableException e) {
            return "none (" + e.getMessage() + ")";
        } catch (RuntimeException | LinkageError e) {
            return "none (" + e + ")";
        }
    }
}
