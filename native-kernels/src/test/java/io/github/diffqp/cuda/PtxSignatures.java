package io.github.diffqp.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parameter lists of the kernels in the committed PTX, read from the resources: what a launch must
 * pass. The simulated device checks every launch against them, so an argument missing, extra or of the
 * wrong width in {@link CudaBackend} fails on a CPU-only machine rather than corrupting memory on a GPU.
 */
final class PtxSignatures {
    private static final Pattern ENTRY = Pattern.compile("\\.visible\\s+\\.entry\\s+(\\w+)\\s*\\(([^)]*)\\)");
    private static final Pattern PARAM = Pattern.compile("\\.param\\s+\\.(\\w+)\\s+\\w+");
    private static final Map<String, List<Class<?>>> CACHE = new HashMap<>();

    private PtxSignatures() {
    }

    /** The Java argument types of {@code kernel}'s parameters (Integer, Long or Double). */
    static synchronized List<Class<?>> of(Kernel kernel) {
        String key = kernel.module + "/" + kernel.entry;
        List<Class<?>> sig = CACHE.get(key);
        if (sig == null) {
            sig = parse(read(kernel.ptxResource()), kernel.entry);
            CACHE.put(key, sig);
        }
        return sig;
    }

    static String read(String resource) {
        try (InputStream in = PtxSignatures.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** All entry names of a PTX text. */
    static List<String> entries(String ptx) {
        List<String> names = new ArrayList<>();
        Matcher m = ENTRY.matcher(ptx);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    static List<Class<?>> parse(String ptx, String entry) {
        Matcher m = ENTRY.matcher(ptx);
        while (m.find()) {
            if (!m.group(1).equals(entry)) {
                continue;
            }
            List<Class<?>> types = new ArrayList<>();
            Matcher p = PARAM.matcher(m.group(2));
            while (p.find()) {
                types.add(switch (p.group(1)) {
                    case "u32", "s32", "b32" -> Integer.class;
                    case "u64", "s64", "b64" -> Long.class;
                    case "f64" -> Double.class;
                    default -> throw new IllegalStateException(entry + ": unexpected parameter type ." + p.group(1));
                });
            }
            return types;
        }
        throw new IllegalStateException("no entry " + entry + " in the PTX");
    }
}
