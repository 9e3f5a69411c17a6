package io.github.diffqp.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Finds and loads the cuBLAS and cuSOLVER libraries that JCuda's natives link against, before JCuda
 * loads those natives, so that the dynamic linker resolves their {@code DT_NEEDED} entries by SONAME to
 * the libraries loaded here.
 *
 * <p>JCuda 12.6's {@code libJCublas2} needs {@code libcublas.so.12} and {@code libJCusolver} needs
 * {@code libcusolver.so.11} and {@code libcusolverMg.so.11}, with versioned symbols. For each of them:
 * <ol>
 *   <li>when the CUDA 12 library is found, it is loaded by absolute path (its own CUDA dependencies
 *       first, see {@link ElfFile});</li>
 *   <li>else when the CUDA 13 library ({@code libcublas.so.13}, {@code libcusolver.so.12},
 *       {@code libcusolverMg.so.12}) is found, it is loaded by absolute path, then DiffQP's forwarder,
 *       a small library with the old SONAME and symbol versions whose every function jumps to the CUDA
 *       13 one (built by {@code compat/generate.sh}, shipped as a resource, extracted to a private
 *       temporary folder);</li>
 *   <li>else the library is reported missing, naming the folders searched; except cuSOLVERMg, which
 *       libJCusolver links but DiffQP never calls: its forwarder then stands in with no target.</li>
 * </ol>
 *
 * <p>Folders searched, in order: the folders named by the system property {@code diffqp.cuda.lib} and
 * the environment variable {@code DIFFQP_CUDA_LIB} (path lists; searched first for either version, so
 * that a user's choice wins), {@code CUDA_HOME}, {@code CUDA_PATH}, {@code CUDA_ROOT} ({@code lib64},
 * {@code lib}, {@code targets/x86_64-linux/lib}), {@code LD_LIBRARY_PATH}, the {@code nvidia/*}{@code /lib}
 * folders of Python wheels under the site-packages of virtual environments, conda, the user and the
 * system, {@code /usr/local/cuda*}{@code /lib64} (newest first), {@code /opt/cuda}, then the dynamic
 * linker's folders from {@code /etc/ld.so.conf} and the standard ones. Folders named {@code stubs} are
 * skipped (the toolkit's link-time stubs are not libraries).
 */
final class CudaLibraries {
    /** A CUDA library JCuda's natives need, with the SONAME of its CUDA 13 successor. */
    enum Library {
        CUBLAS("cuBLAS", "libcublas.so.12", "libcublas.so.13", false),
        CUSOLVER("cuSOLVER", "libcusolver.so.11", "libcusolver.so.12", false),
        /** Linked by libJCusolver but never called by DiffQP: may be absent (see {@link #load}). */
        CUSOLVER_MG("cuSOLVERMg", "libcusolverMg.so.11", "libcusolverMg.so.12", true);

        final String title;
        /** What JCuda's natives need (CUDA 12). */
        final String linked;
        /** The CUDA 13 library the forwarder calls. */
        final String successor;
        /** Whether DiffQP can do without it (its forwarder then stands in with no target). */
        final boolean optional;

        Library(String title, String linked, String successor, boolean optional) {
            this.title = title;
            this.linked = linked;
            this.successor = successor;
            this.optional = optional;
        }

        /** The class-path resource of the forwarder for this library. */
        String forwarderResource() {
            return "/io/github/diffqp/cuda/compat/linux-x86_64/" + linked;
        }
    }

    /**
     * How a library was provided: its file (null when an optional library is absent), and the forwarder
     * when the CUDA 13 one stands in (or nothing does).
     */
    record Loaded(Library library, Path file, Path forwarder) {
        boolean forwarded() {
            return forwarder != null;
        }

        String describe() {
            if (file == null) {
                return library.title + " absent; DiffQP's " + library.linked + " forwarder stands in (DiffQP never"
                        + " calls it)";
            }
            return library.title + " " + file + (forwarded() ? " (CUDA 13, through DiffQP's " + library.linked
                    + " forwarder)" : "");
        }
    }

    /** A library that could not be found or loaded; the message is one line for the user. */
    static final class LoadException extends Exception {
        LoadException(String message) {
            super(message);
        }
    }

    /** Libraries whose folders the dynamic linker searches anyway; their dependencies are not preloaded. */
    private static final List<String> SYSTEM_DIRS = List.of("/lib", "/lib64", "/usr/lib", "/usr/lib64",
            "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu");
    /** The driver comes from the system only: a toolkit's stub libcuda.so.1 must never be loaded. */
    private static final Set<String> NEVER_PRELOAD = Set.of("libcuda.so.1", "libcuda.so");

    private final UnaryOperator<String> env;
    private final UnaryOperator<String> properties;
    private final Path home;
    private final Consumer<String> loader;
    /** Absolute paths loaded through this instance, and the SONAMEs they provide. */
    private final Set<String> loadedPaths = new HashSet<>();
    private final Set<String> loadedNames = new HashSet<>();
    private List<Path> userDirs;
    private List<Path> otherDirs;
    private Path forwarderDir;

    /**
     * @param env        environment lookup (System::getenv)
     * @param properties system property lookup (System::getProperty)
     * @param home       the user's home folder
     * @param loader     loads a library by absolute path (System::load)
     */
    CudaLibraries(UnaryOperator<String> env, UnaryOperator<String> properties, Path home, Consumer<String> loader) {
        this.env = env;
        this.properties = properties;
        this.home = home;
        this.loader = loader;
    }

    /** The process's own environment, properties and {@link System#load}. */
    static CudaLibraries system() {
        String home = System.getProperty("user.home", "/");
        return new CudaLibraries(System::getenv, System::getProperty, Paths.get(home), System::load);
    }

    /** Every folder searched, in order, existing ones only, each once. */
    List<Path> searchDirectories() {
        List<Path> all = new ArrayList<>(userDirectories());
        all.addAll(otherDirectories());
        return all;
    }

    private List<Path> userDirectories() {
        if (userDirs == null) {
            Set<Path> dirs = new LinkedHashSet<>();
            addPathList(dirs, properties.apply("diffqp.cuda.lib"));
            addPathList(dirs, env.apply("DIFFQP_CUDA_LIB"));
            userDirs = existing(dirs, Set.of());
        }
        return userDirs;
    }

    private List<Path> otherDirectories() {
        if (otherDirs == null) {
            Set<Path> dirs = new LinkedHashSet<>();
            for (String var : new String[] {"CUDA_HOME", "CUDA_PATH", "CUDA_ROOT"}) {
                String root = env.apply(var);
                if (root != null && !root.isBlank()) {
                    dirs.add(Paths.get(root, "lib64"));
                    dirs.add(Paths.get(root, "lib"));
                    dirs.add(Paths.get(root, "targets", "x86_64-linux", "lib"));
                }
            }
            addPathList(dirs, env.apply("LD_LIBRARY_PATH"));
            for (Path site : sitePackages()) {
                dirs.addAll(children(site.resolve("nvidia"), "lib"));
                dirs.addAll(children(site.resolve("nvidia"), "lib64"));
            }
            dirs.add(Paths.get("/usr/local/cuda/lib64"));
            dirs.add(Paths.get("/usr/local/cuda/lib"));
            dirs.add(Paths.get("/usr/local/cuda/targets/x86_64-linux/lib"));
            for (Path cuda : versionedCudaRoots(Paths.get("/usr/local"))) {
                dirs.add(cuda.resolve("lib64"));
                dirs.add(cuda.resolve("targets/x86_64-linux/lib"));
            }
            dirs.add(Paths.get("/opt/cuda/lib64"));
            dirs.addAll(ldSoConfDirectories(Paths.get("/etc/ld.so.conf"), new HashSet<>()));
            for (String d : SYSTEM_DIRS) {
                dirs.add(Paths.get(d));
            }
            otherDirs = existing(dirs, new HashSet<>(userDirectories()));
        }
        return otherDirs;
    }

    private static void addPathList(Set<Path> dirs, String list) {
        if (list == null) {
            return;
        }
        for (String part : list.split(java.io.File.pathSeparator)) {
            if (!part.isBlank()) {
                dirs.add(Paths.get(part.trim()));
            }
        }
    }

    /** Existing folders, by real path, without stub folders and without those in {@code exclude}. */
    private static List<Path> existing(Set<Path> dirs, Set<Path> exclude) {
        Set<Path> seen = new LinkedHashSet<>();
        for (Path d : dirs) {
            if (!d.isAbsolute() || !Files.isDirectory(d)) {
                continue;
            }
            Path real;
            try {
                real = d.toRealPath();
            } catch (IOException e) {
                continue;
            }
            if (real.getFileName() != null && real.getFileName().toString().equals("stubs")) {
                continue;
            }
            if (!exclude.contains(real)) {
                seen.add(real);
            }
        }
        return List.copyOf(seen);
    }

    /** Python site-packages folders where NVIDIA's wheels (nvidia-cublas-cu12, nvidia-cublas …) live. */
    private List<Path> sitePackages() {
        List<Path> roots = new ArrayList<>();
        for (String var : new String[] {"VIRTUAL_ENV", "CONDA_PREFIX"}) {
            String v = env.apply(var);
            if (v != null && !v.isBlank()) {
                roots.add(Paths.get(v, "lib"));
            }
        }
        roots.add(home.resolve(".local/lib"));
        roots.add(Paths.get("/opt/conda/lib"));
        roots.add(Paths.get("/usr/local/lib"));
        roots.add(Paths.get("/usr/lib"));
        roots.add(Paths.get("/usr/local/lib64"));
        roots.add(Paths.get("/usr/lib64"));
        List<Path> sites = new ArrayList<>();
        for (Path root : roots) {
            for (Path python : children(root, null)) {
                if (python.getFileName().toString().startsWith("python3")) {
                    sites.add(python.resolve("site-packages"));
                    sites.add(python.resolve("dist-packages"));
                }
            }
        }
        String pythonPath = env.apply("PYTHONPATH");
        if (pythonPath != null) {
            for (String part : pythonPath.split(java.io.File.pathSeparator)) {
                if (!part.isBlank()) {
                    sites.add(Paths.get(part));
                }
            }
        }
        return sites;
    }

    /** The children of {@code dir} (sorted by name), or their {@code sub} folder when sub is given. */
    private static List<Path> children(Path dir, String sub) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                Path candidate = sub == null ? p : p.resolve(sub);
                if (Files.isDirectory(candidate)) {
                    out.add(candidate);
                }
            }
        } catch (IOException | SecurityException e) {
            return List.of();
        }
        out.sort(Comparator.comparing(Path::toString));
        return out;
    }

    private static final Pattern CUDA_VERSION_DIR = Pattern.compile("cuda-(\\d+)(?:\\.(\\d+))?");

    /** /usr/local/cuda-13.0, /usr/local/cuda-12.6 …, newest first. */
    static List<Path> versionedCudaRoots(Path parent) {
        record Versioned(Path path, int major, int minor) {
        }
        List<Versioned> found = new ArrayList<>();
        for (Path p : children(parent, null)) {
            Matcher m = CUDA_VERSION_DIR.matcher(p.getFileName().toString());
            if (m.matches()) {
                found.add(new Versioned(p, Integer.parseInt(m.group(1)), m.group(2) == null ? 0
                        : Integer.parseInt(m.group(2))));
            }
        }
        found.sort(Comparator.comparingInt(Versioned::major).thenComparingInt(Versioned::minor).reversed());
        return found.stream().map(Versioned::path).collect(Collectors.toList());
    }

    /** The folders listed in ld.so.conf and the files it includes. */
    static List<Path> ldSoConfDirectories(Path conf, Set<Path> visited) {
        List<Path> dirs = new ArrayList<>();
        if (!Files.isRegularFile(conf) || !visited.add(conf)) {
            return dirs;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(conf);
        } catch (IOException | SecurityException e) {
            return dirs;
        }
        for (String raw : lines) {
            String line = raw.replaceAll("#.*", "").trim();
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("include ")) {
                String pattern = line.substring("include ".length()).trim();
                Path base = pattern.startsWith("/") ? Paths.get(pattern) : conf.getParent().resolve(pattern);
                Path parent = base.getParent();
                String glob = base.getFileName().toString();
                if (parent != null && Files.isDirectory(parent)) {
                    try (DirectoryStream<Path> ds = Files.newDirectoryStream(parent, glob)) {
                        List<Path> included = new ArrayList<>();
                        ds.forEach(included::add);
                        included.sort(Comparator.comparing(Path::toString));
                        for (Path inc : included) {
                            dirs.addAll(ldSoConfDirectories(inc, visited));
                        }
                    } catch (IOException | RuntimeException e) {
                        // An unreadable include is skipped, as the dynamic linker's own cache builder does.
                    }
                }
            } else if (line.startsWith("/")) {
                dirs.add(Paths.get(line.split("\\s+")[0]));
            }
        }
        return dirs;
    }

    /**
     * The first file named {@code name} in {@code dirs}, or null; a DiffQP forwarder (an extracted copy left
     * behind, a kit's resources) is never taken for the library it stands in for.
     */
    private static Path find(List<Path> dirs, String name) {
        for (Path d : dirs) {
            Path f = d.resolve(name);
            if (Files.isRegularFile(f) && !isForwarder(f)) {
                return f;
            }
        }
        return null;
    }

    private static boolean isForwarder(Path f) {
        try {
            return ElfFile.read(f).isDiffqpForwarder();
        } catch (IOException e) {
            return false; // not readable as ELF: loading it will say what is wrong
        }
    }

    /**
     * Makes {@code library} loadable for JCuda: loads the CUDA 12 library, or the CUDA 13 one and the
     * forwarder (see the class comment).
     */
    Loaded load(Library library) throws LoadException {
        if (!isLinuxX86()) {
            throw new LoadException("DiffQP's CUDA backend supports linux-x86_64 only (this is "
                    + System.getProperty("os.name") + " " + System.getProperty("os.arch") + ")");
        }
        // A user-named folder wins with either version; elsewhere the CUDA 12 library is preferred,
        // since it needs no forwarder.
        Path direct = find(userDirectories(), library.linked);
        Path successor = direct == null ? find(userDirectories(), library.successor) : null;
        if (direct == null && successor == null) {
            direct = find(otherDirectories(), library.linked);
            if (direct == null) {
                successor = find(otherDirectories(), library.successor);
            }
        }
        if (direct != null) {
            loadWithDependencies(direct, library.linked);
            return new Loaded(library, direct, null);
        }
        if (successor != null) {
            loadWithDependencies(successor, library.successor);
            Path forwarder = extractForwarder(library);
            loadFile(forwarder);
            loadedNames.add(library.linked);
            return new Loaded(library, successor, forwarder);
        }
        if (library.optional) {
            // Only so that libJCusolver's DT_NEEDED is satisfied: every call would answer NOT_SUPPORTED.
            Path forwarder = extractForwarder(library);
            loadFile(forwarder);
            loadedNames.add(library.linked);
            return new Loaded(library, null, forwarder);
        }
        throw new LoadException(library.title + " not found: no " + library.linked + " (CUDA 12) or "
                + library.successor + " (CUDA 13) in " + searchDirectories().stream().map(Path::toString)
                .collect(Collectors.joining(", ", "[", "]"))
                + "; name the folder with -Ddiffqp.cuda.lib=DIR or DIFFQP_CUDA_LIB");
    }

    private static boolean isLinuxX86() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        return os.contains("linux") && (arch.equals("amd64") || arch.equals("x86_64"));
    }

    /**
     * Loads {@code file} after the libraries it needs that are found in the searched folders (outside the
     * system folders, which the dynamic linker searches itself). Checks the SONAME first: the forwarder
     * and JCuda's natives find the library by it.
     */
    private void loadWithDependencies(Path file, String expectedSoname) throws LoadException {
        ElfFile elf;
        try {
            elf = ElfFile.read(file);
        } catch (IOException e) {
            throw new LoadException("cannot read " + file + ": " + e.getMessage());
        }
        if (elf.machine() != ElfFile.EM_X86_64) {
            throw new LoadException(file + " is not an x86-64 library (ELF machine " + elf.machine() + ")");
        }
        if (expectedSoname != null && !expectedSoname.equals(elf.soname())) {
            throw new LoadException(file + " has SONAME " + elf.soname() + ", expected " + expectedSoname);
        }
        for (String dep : elf.needed()) {
            if (loadedNames.contains(dep) || NEVER_PRELOAD.contains(dep)) {
                continue;
            }
            Path sameDir = file.getParent().resolve(dep);
            Path found = Files.isRegularFile(sameDir) ? sameDir : find(searchDirectories(), dep);
            if (found != null && !inSystemDir(found)) {
                loadedNames.add(dep); // before recursing: a dependency cycle ends here
                loadWithDependencies(found, null);
            }
        }
        loadFile(file);
        if (elf.soname() != null) {
            loadedNames.add(elf.soname());
        }
    }

    private static boolean inSystemDir(Path file) {
        Path dir = file.getParent();
        return dir != null && SYSTEM_DIRS.contains(dir.toString());
    }

    private void loadFile(Path file) throws LoadException {
        String path = file.toAbsolutePath().toString();
        if (!loadedPaths.add(path)) {
            return;
        }
        try {
            loader.accept(path);
        } catch (LinkageError | SecurityException e) {
            loadedPaths.remove(path);
            throw new LoadException("cannot load " + path + ": " + firstLine(e.getMessage()));
        }
    }

    /** Copies the forwarder out of the jar; its file name is the SONAME it stands for. */
    private Path extractForwarder(Library library) throws LoadException {
        try {
            if (forwarderDir == null) {
                forwarderDir = Files.createTempDirectory("diffqp-cuda-compat-");
                forwarderDir.toFile().deleteOnExit();
            }
            Path target = forwarderDir.resolve(library.linked);
            try (InputStream in = CudaLibraries.class.getResourceAsStream(library.forwarderResource())) {
                if (in == null) {
                    throw new LoadException("the " + library.linked + " forwarder is missing from the jar ("
                            + library.forwarderResource() + ")");
                }
                Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            }
            target.toFile().deleteOnExit();
            return target;
        } catch (IOException e) {
            throw new LoadException("cannot extract the " + library.linked + " forwarder: " + e.getMessage());
        }
    }

    static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        return Stream.of(s.split("\\R")).filter(l -> !l.isBlank()).findFirst().orElse("").trim();
    }
}
