package io.github.diffqp.cli;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Random byte-level mutations of valid files, the raw material of {@link InputFuzzTest}: each mutant is a
 * seed file with one (two thirds of the time) to four of bit flips, random bytes inserted, a range deleted, a truncation, or a
 * splice (a range of another seed, or of itself, copied in). Mutations keep most of the file intact, so
 * that a mutant gets past the first checks of a reader and into its deeper paths.
 */
final class ByteMutator {
    /** The mutations; {@link #describe} names them in failure reports. */
    enum Kind { FLIP, INSERT, DELETE, TRUNCATE, SPLICE }

    private final List<byte[]> seeds;
    private final Random random;

    ByteMutator(List<byte[]> seeds, long seed) {
        if (seeds.isEmpty()) {
            throw new IllegalArgumentException("no seed files");
        }
        this.seeds = List.copyOf(seeds);
        this.random = new Random(seed);
    }

    /** A fresh mutant of a randomly chosen seed. */
    byte[] next() {
        byte[] bytes = seeds.get(random.nextInt(seeds.size())).clone();
        // Mostly one mutation, which keeps a mutant close enough to valid to reach past the first checks.
        int count = random.nextInt(3) == 0 ? 2 + random.nextInt(3) : 1;
        for (int k = 0; k < count; k++) {
            bytes = mutate(bytes, Kind.values()[random.nextInt(Kind.values().length)]);
        }
        return bytes;
    }

    private byte[] mutate(byte[] in, Kind kind) {
        int length = in.length;
        switch (kind) {
            case FLIP -> {
                if (length == 0) {
                    return in;
                }
                byte[] out = in.clone();
                int flips = 1 + random.nextInt(8);
                for (int k = 0; k < flips; k++) {
                    out[random.nextInt(length)] ^= (byte) (1 << random.nextInt(8));
                }
                return out;
            }
            case INSERT -> {
                byte[] inserted = new byte[1 + random.nextInt(16)];
                random.nextBytes(inserted);
                return spliceIn(in, random.nextInt(length + 1), inserted);
            }
            case DELETE -> {
                if (length == 0) {
                    return in;
                }
                int from = random.nextInt(length);
                int to = Math.min(length, from + 1 + random.nextInt(Math.max(1, length / 8)));
                byte[] out = new byte[length - (to - from)];
                System.arraycopy(in, 0, out, 0, from);
                System.arraycopy(in, to, out, from, length - to);
                return out;
            }
            case TRUNCATE -> {
                return Arrays.copyOf(in, random.nextInt(length + 1));
            }
            case SPLICE -> {
                byte[] donor = seeds.get(random.nextInt(seeds.size()));
                if (donor.length == 0) {
                    return in;
                }
                int from = random.nextInt(donor.length);
                int to = Math.min(donor.length, from + 1 + random.nextInt(Math.max(1, donor.length / 4)));
                return spliceIn(in, random.nextInt(length + 1), Arrays.copyOfRange(donor, from, to));
            }
            default -> throw new AssertionError(kind);
        }
    }

    private static byte[] spliceIn(byte[] in, int at, byte[] piece) {
        byte[] out = new byte[in.length + piece.length];
        System.arraycopy(in, 0, out, 0, at);
        System.arraycopy(piece, 0, out, at, piece.length);
        System.arraycopy(in, at, out, at + piece.length, in.length - at);
        return out;
    }

    /** The bytes as a Java string literal with escapes, for a failure report that can be pasted into a test. */
    static String escaped(byte[] bytes) {
        StringBuilder b = new StringBuilder("\"");
        for (byte x : bytes) {
            int c = x & 0xff;
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                default -> b.append(c >= 0x20 && c < 0x7f ? String.valueOf((char) c) : String.format("\\u%04x", c));
            }
        }
        return b.append('"').toString();
    }

    /** The bytes in hex, for binary inputs. */
    static String hex(byte[] bytes) {
        StringBuilder b = new StringBuilder(bytes.length * 2);
        for (byte x : bytes) {
            b.append(String.format("%02x", x & 0xff));
        }
        return b.toString();
    }
}
