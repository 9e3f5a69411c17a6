package io.github.diffqp.cli;

import picocli.CommandLine.IVersionProvider;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The DiffQP version. Maven writes it into {@code version.properties} (resource filtering), so it is
 * right in the jar and in tests alike; the jar manifest's Implementation-Version is the fallback.
 */
final class Version implements IVersionProvider {
    private static final String RESOURCE = "version.properties";

    /** The version, e.g. {@code 0.1.0-SNAPSHOT}, or {@code unknown} for classes not built by Maven. */
    static String version() {
        try (InputStream in = Version.class.getResourceAsStream(RESOURCE)) {
            if (in != null) {
                Properties props = new Properties();
                props.load(in);
                String v = props.getProperty("version");
                if (v != null && !v.isBlank() && !v.startsWith("${")) {
                    return v;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + RESOURCE, e);
        }
        String manifest = Version.class.getPackage().getImplementationVersion();
        return manifest != null ? manifest : "unknown";
    }

    /** For picocli's {@code --version}. */
    @Override
    public String[] getVersion() {
        return new String[] {
                "DiffQP " + version(),
                "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + "), "
                        + System.getProperty("os.name") + " " + System.getProperty("os.arch")
        };
    }
}
