package io.github.diffqp.cuda;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The committed PTX is the compiled form of the committed CUDA C: each PTX carries the SHA-256 of its
 * sources (checked everywhere, nvcc or not), and where nvcc is installed, {@code build-ptx.sh} run into a
 * temporary folder reproduces the committed files (comment lines aside, which name the compiler build).
 */
class PtxFreshnessTest {
    private static final Path MODULE = Paths.get(System.getProperty("basedir", System.getProperty("user.dir")));
    private static final Path CUDA = MODULE.resolve("src/main/cuda");
    private static final Path PTX = MODULE.resolve("src/main/resources/io/github/diffqp/cuda");

    private static List<Path> sources(String suffix) throws IOException {
        try (Stream<Path> s = Files.list(CUDA)) {
            return s.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().collect(Collectors.toList());
        }
    }

    /** The hash build-ptx.sh records: the .cu followed by every .cuh in name order. */
    private static String sourceHash(Path cu) throws IOException, NoSuchAlgorithmException {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update(Files.readAllBytes(cu));
        for (Path h : sources(".cuh")) {
            sha.update(Files.readAllBytes(h));
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static String header(List<String> lines, String key) {
        String prefix = "// " + key + ": ";
        return lines.stream().filter(l -> l.startsWith(prefix)).map(l -> l.substring(prefix.length())).findFirst()
                .orElse(null);
    }

    @Test
    void everyKernelSourceHasUpToDatePtx() throws Exception {
        List<Path> cus = sources(".cu");
        assertTrue(cus.size() >= 3, "kernel sources found in " + CUDA);
        for (Path cu : cus) {
            String name = cu.getFileName().toString().replace(".cu", "");
            Path ptx = PTX.resolve(name + ".ptx");
            assertTrue(Files.isRegularFile(ptx), ptx + " missing: run native-kernels/build-ptx.sh");
            List<String> lines = Files.readAllLines(ptx, StandardCharsets.UTF_8);
            assertEquals(sourceHash(cu), header(lines, "diffqp-source-sha256"),
                    name + ".ptx was built from other sources: run native-kernels/build-ptx.sh and commit the PTX");
            String isa = lines.stream().filter(l -> l.startsWith(".version ")).findFirst().orElse("");
            assertTrue(isa.matches("\\.version [6-9]\\.\\d+"), name + ": " + isa);
        }
        try (Stream<Path> s = Files.list(PTX)) {
            for (Path p : s.filter(f -> f.toString().endsWith(".ptx")).collect(Collectors.toList())) {
                String name = p.getFileName().toString().replace(".ptx", ".cu");
                assertTrue(Files.exists(CUDA.resolve(name)), p + " has no source " + name);
            }
        }
    }

    @Test
    void everyKernelOfTheJavaSideIsInItsPtxAndNoneIsUnused() {
        for (Kernel k : Kernel.values()) {
            assertTrue(PtxSignatures.entries(PtxSignatures.read(k.ptxResource())).contains(k.entry),
                    k.entry + " missing from " + k.module + ".ptx");
        }
        for (String module : List.of("elementwise", "linalg", "reductions")) {
            for (String entry : PtxSignatures.entries(PtxSignatures.read("/io/github/diffqp/cuda/" + module + ".ptx"))) {
                assertTrue(Stream.of(Kernel.values()).anyMatch(k -> k.entry.equals(entry) && k.module.equals(module)),
                        entry + " in " + module + ".ptx has no Kernel constant");
            }
        }
    }

    private static String run(List<String> command, Path dir) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(command + " timed out");
        }
        if (p.exitValue() != 0) {
            fail(command + " failed (" + p.exitValue() + "):\n" + out);
        }
        return out;
    }

    static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String d : path.split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Paths.get(d, tool))) {
                return true;
            }
        }
        return false;
    }

    @Test
    void nvccReproducesTheCommittedPtx() throws Exception {
        Assumptions.assumeTrue(onPath("nvcc") && onPath("ptxas") && onPath("bash"),
                "nvcc/ptxas not on the PATH: the PTX cannot be rebuilt here (its source hash is still checked)");
        String version = run(List.of("nvcc", "--version"), MODULE);
        Path tmp = Files.createTempDirectory("diffqp-ptx-");
        try {
            run(List.of("bash", MODULE.resolve("build-ptx.sh").toString(), tmp.toString()), MODULE);
            List<String> differences = new ArrayList<>();
            for (Path cu : sources(".cu")) {
                String name = cu.getFileName().toString().replace(".cu", ".ptx");
                List<String> committed = Files.readAllLines(PTX.resolve(name));
                List<String> rebuilt = Files.readAllLines(tmp.resolve(name));
                String recorded = header(committed, "diffqp-nvcc");
                Assumptions.assumeTrue(recorded != null && version.contains(recorded),
                        "the PTX was built with nvcc " + recorded + ", this is another release: its code may "
                                + "legitimately differ (rerun build-ptx.sh to refresh)");
                for (String key : List.of("diffqp-source-sha256", "diffqp-nvcc-flags", "diffqp-ptx-isa")) {
                    if (!String.valueOf(header(committed, key)).equals(header(rebuilt, key))) {
                        differences.add(name + ": " + key + " " + header(committed, key) + " vs " + header(rebuilt, key));
                    }
                }
                if (!code(committed).equals(code(rebuilt))) {
                    differences.add(name + ": the code differs from a fresh build");
                }
            }
            assertTrue(differences.isEmpty(), "run native-kernels/build-ptx.sh and commit the PTX: " + differences);
        } finally {
            try (Stream<Path> s = Files.list(tmp)) {
                for (Path p : s.collect(Collectors.toList())) {
                    Files.delete(p);
                }
            }
            Files.delete(tmp);
        }
    }

    /** The PTX without comment lines (nvcc's header names the compiler build; DiffQP's is compared apart). */
    private static List<String> code(List<String> lines) {
        return lines.stream().filter(l -> !l.startsWith("//")).collect(Collectors.toList());
    }
}
