package io.github.diffqp.cuda;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ElfFileTest {
    @org.junit.jupiter.api.io.TempDir
    Path tmp;

    static Path resourceToFile(String resource, Path dir, String name) throws IOException {
        try (InputStream in = ElfFileTest.class.getResourceAsStream(resource)) {
            Path f = dir.resolve(name);
            Files.copy(in, f, StandardCopyOption.REPLACE_EXISTING);
            return f;
        }
    }

    @Test
    void readsSonameAndNeededOfTheForwarders() throws IOException {
        Path dir = Files.createTempDirectory(tmp, "diffqp-elf-");
        for (CudaLibraries.Library lib : CudaLibraries.Library.values()) {
            Path f = resourceToFile(lib.forwarderResource(), dir, lib.linked);
            ElfFile elf = ElfFile.read(f);
            assertEquals(lib.linked, elf.soname(), "the forwarder answers to the old SONAME");
            assertTrue(elf.isDiffqpForwarder());
            assertEquals(ElfFile.EM_X86_64, elf.machine());
            assertTrue(elf.needed().contains("libc.so.6"), elf.needed().toString());
            assertTrue(elf.needed().stream().noneMatch(n -> n.startsWith("libcu")),
                    "the forwarder links no CUDA library (it finds its target at run time): " + elf.needed());
            Files.delete(f);
        }
        Files.delete(dir);
    }

    @Test
    void aSystemLibraryIsNoForwarder() throws IOException {
        for (String lib : new String[] {"/lib/x86_64-linux-gnu/libc.so.6", "/lib64/libc.so.6"}) {
            if (Files.exists(Path.of(lib))) {
                ElfFile elf = ElfFile.read(Path.of(lib));
                assertEquals("libc.so.6", elf.soname());
                assertTrue(!elf.isDiffqpForwarder());
                return;
            }
        }
    }

    @Test
    void refusesWhatIsNotAnElfLibrary() throws IOException {
        Path f = Files.createTempFile(tmp, "diffqp-not-elf", ".so");
        Files.writeString(f, "definitely not an ELF file, but long enough to hold an ELF header of 64 bytes......");
        assertThrows(IOException.class, () -> ElfFile.read(f));
        Files.delete(f);
    }
}
