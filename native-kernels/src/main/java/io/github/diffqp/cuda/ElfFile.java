package io.github.diffqp.cuda;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The little that DiffQP reads from a shared library before loading it: its SONAME and the libraries
 * it needs (DT_SONAME, DT_NEEDED of the dynamic section). Why: a CUDA library is loaded by absolute
 * path, and its own dependencies (libcublasLt next to libcublas, libnvJitLink in another wheel) must be
 * loaded first by absolute path too, or the dynamic linker looks for them only on its default path;
 * and the compatibility forwarder finds its target by SONAME, which must be checked, not assumed.
 *
 * <p>Only 64-bit little-endian ELF (x86-64, aarch64) is read; the file is read piecewise, never whole
 * (libcublasLt is half a gigabyte).
 */
final class ElfFile {
    private static final int PT_LOAD = 1;
    private static final int PT_DYNAMIC = 2;
    private static final long DT_NULL = 0;
    private static final long DT_NEEDED = 1;
    private static final long DT_STRTAB = 5;
    private static final long DT_SONAME = 14;
    private static final long DT_STRSZ = 10;
    /** Exported by every forwarder that compat/generate.sh builds, and by nothing else. */
    static final String FORWARDER_MARK = "diffqp_compat_target";
    /** e_machine of x86-64. */
    static final int EM_X86_64 = 62;

    private final String soname;
    private final List<String> needed;
    private final int machine;
    private final boolean forwarder;

    private ElfFile(String soname, List<String> needed, int machine, boolean forwarder) {
        this.soname = soname;
        this.needed = needed;
        this.machine = machine;
        this.forwarder = forwarder;
    }

    /**
     * Whether this is one of DiffQP's own forwarders (its dynamic symbols include {@link #FORWARDER_MARK}).
     * A forwarder copy left in a searched folder must not be taken for the CUDA 12 library it imitates.
     */
    boolean isDiffqpForwarder() {
        return forwarder;
    }

    /** The SONAME, or null when the library has none. */
    String soname() {
        return soname;
    }

    /** The DT_NEEDED entries in file order. */
    List<String> needed() {
        return needed;
    }

    /** e_machine, e.g. {@link #EM_X86_64}. */
    int machine() {
        return machine;
    }

    /**
     * Reads the dynamic section of {@code file}.
     *
     * @throws IOException when the file cannot be read or is not a 64-bit little-endian ELF shared object
     */
    static ElfFile read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer header = readAt(ch, 0, 64);
            if (header.getInt(0) != 0x464C457F) { // "\177ELF" read little-endian
                throw new IOException(file + " is not an ELF file");
            }
            if (header.get(4) != 2 || header.get(5) != 1) {
                throw new IOException(file + " is not a 64-bit little-endian ELF file");
            }
            int machine = Short.toUnsignedInt(header.getShort(0x12));
            long phoff = header.getLong(0x20);
            int phentsize = Short.toUnsignedInt(header.getShort(0x36));
            int phnum = Short.toUnsignedInt(header.getShort(0x38));
            ByteBuffer ph = readAt(ch, phoff, phentsize * phnum);
            List<long[]> loads = new ArrayList<>(); // {vaddr, offset, filesz}
            long dynOffset = -1;
            long dynSize = 0;
            for (int k = 0; k < phnum; k++) {
                int o = k * phentsize;
                int type = ph.getInt(o);
                if (type == PT_LOAD) {
                    loads.add(new long[] {ph.getLong(o + 0x10), ph.getLong(o + 0x08), ph.getLong(o + 0x20)});
                } else if (type == PT_DYNAMIC) {
                    dynOffset = ph.getLong(o + 0x08);
                    dynSize = ph.getLong(o + 0x20);
                }
            }
            if (dynOffset < 0) {
                throw new IOException(file + " has no dynamic section (not a shared library)");
            }
            ByteBuffer dyn = readAt(ch, dynOffset, (int) Math.min(dynSize, 1 << 20));
            long strtab = -1;
            long strsz = 0;
            long sonameIndex = -1;
            List<Long> neededIndex = new ArrayList<>();
            for (int o = 0; o + 16 <= dyn.limit(); o += 16) {
                long tag = dyn.getLong(o);
                long val = dyn.getLong(o + 8);
                if (tag == DT_NULL) {
                    break;
                } else if (tag == DT_NEEDED) {
                    neededIndex.add(val);
                } else if (tag == DT_STRTAB) {
                    strtab = val;
                } else if (tag == DT_SONAME) {
                    sonameIndex = val;
                } else if (tag == DT_STRSZ) {
                    strsz = val;
                }
            }
            if (strtab < 0) {
                throw new IOException(file + " has no dynamic string table");
            }
            long strtabOffset = toFileOffset(loads, strtab, file);
            List<String> needed = new ArrayList<>();
            for (long index : neededIndex) {
                needed.add(readString(ch, strtabOffset + index));
            }
            String soname = sonameIndex < 0 ? null : readString(ch, strtabOffset + sonameIndex);
            // Forwarders are small: only a string table under 1 MiB is searched for the mark.
            boolean forwarder = strsz > 0 && strsz < (1 << 20)
                    && containsString(readAt(ch, strtabOffset, (int) strsz), FORWARDER_MARK);
            return new ElfFile(soname, List.copyOf(needed), machine, forwarder);
        }
    }

    /** Maps a virtual address to its file offset through the PT_LOAD segment that holds it. */
    private static long toFileOffset(List<long[]> loads, long vaddr, Path file) throws IOException {
        for (long[] seg : loads) {
            if (vaddr >= seg[0] && vaddr < seg[0] + seg[2]) {
                return vaddr - seg[0] + seg[1];
            }
        }
        throw new IOException(file + ": dynamic string table outside every loaded segment");
    }

    private static ByteBuffer readAt(FileChannel ch, long position, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            int n = ch.read(b, position + b.position());
            if (n < 0) {
                throw new IOException("unexpected end of file at " + (position + b.position()));
            }
        }
        return b.flip();
    }

    /** Whether the NUL-separated string table holds {@code s} as one of its strings. */
    private static boolean containsString(ByteBuffer table, String s) {
        byte[] want = s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        int start = 0;
        for (int k = 0; k <= table.limit(); k++) {
            if (k == table.limit() || table.get(k) == 0) {
                if (k - start == want.length) {
                    boolean same = true;
                    for (int j = 0; j < want.length && same; j++) {
                        same = table.get(start + j) == want[j];
                    }
                    if (same) {
                        return true;
                    }
                }
                start = k + 1;
            }
        }
        return false;
    }

    private static String readString(FileChannel ch, long position) throws IOException {
        StringBuilder s = new StringBuilder();
        ByteBuffer chunk = ByteBuffer.allocate(256);
        long at = position;
        while (true) {
            chunk.clear();
            int n = ch.read(chunk, at);
            if (n <= 0) {
                throw new IOException("unterminated string at " + position);
            }
            for (int k = 0; k < n; k++) {
                byte c = chunk.get(k);
                if (c == 0) {
                    return s.toString();
                }
                s.append((char) (c & 0xff));
            }
            at += n;
            if (s.length() > 4096) {
                throw new IOException("string at " + position + " longer than 4096 bytes");
            }
        }
    }
}
