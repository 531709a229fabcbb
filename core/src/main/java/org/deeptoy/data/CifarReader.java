package org.deeptoy.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the CIFAR-10 binary version: records of {@code <1 byte label><1024 red><1024 green><1024
 * blue>}, each plane 32 x 32 row-major, which is already the NCHW layout of one example.
 */
final class CifarReader {
    static final int CLASSES = 10;
    static final int PIXELS = 3 * 32 * 32;
    static final int RECORD = 1 + PIXELS;

    private CifarReader() {
    }

    /** Number of records in {@code file}, checked to be a whole, non-zero number of records. */
    static int countRecords(Path file) {
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new DatasetException(file + ": cannot read: " + e, e);
        }
        if (size == 0 || size % RECORD != 0) {
            throw new DatasetException(file + ": " + (size == 0 ? "empty" : "truncated or corrupt") + ": " + size
                    + " bytes is not a whole number of 3073-byte CIFAR-10 records (" + size / RECORD
                    + " whole records and " + size % RECORD + " bytes more; the official batches have 10000 records, "
                    + "30730000 bytes). " + IdxReader.DELETE_HINT);
        }
        if (size / RECORD > Integer.MAX_VALUE / PIXELS) {
            throw new DatasetException(file + ": " + size + " bytes is too large for one CIFAR-10 batch");
        }
        return (int) (size / RECORD);
    }

    /**
     * Decodes all records of {@code file} into {@code x} (raw pixel values 0..255) and {@code labels},
     * starting at example {@code first}; returns the number of records read.
     */
    static int read(Path file, byte[] x, int[] labels, int first) {
        int n = countRecords(file);
        byte[] b;
        try {
            b = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new DatasetException(file + ": cannot read: " + e, e);
        }
        if (b.length != (long) n * RECORD) {
            throw new DatasetException(file + ": the file changed while it was read (" + b.length + " bytes)");
        }
        for (int r = 0; r < n; r++) {
            int at = r * RECORD;
            int label = b[at] & 0xff;
            if (label >= CLASSES) {
                throw new DatasetException(file + ": record " + r + " (byte offset " + at + ") has label " + label
                        + ", outside 0..9; the file is corrupt or not a CIFAR-10 binary batch (CIFAR-100 has 2 label "
                        + "bytes per record). " + IdxReader.DELETE_HINT);
            }
            labels[first + r] = label;
            int out = (first + r) * PIXELS;
            System.arraycopy(b, at + 1, x, out, PIXELS);
        }
        return n;
    }

    /** The class names of {@code batches.meta.txt}: one per line, then empty lines only. */
    static List<String> readClassNames(Path file) {
        List<String> lines;
        try (InputStream in = Files.newInputStream(file)) {
            lines = new String(in.readNBytes(1 << 16), StandardCharsets.UTF_8).lines().map(String::strip).toList();
        } catch (IOException e) {
            throw new DatasetException(file + ": cannot read: " + e, e);
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).isEmpty()) {
                if (names.size() < i) {
                    throw new DatasetException(file + " line " + (i + 1) + ": class name after an empty line; expected "
                            + CLASSES + " names, one per line");
                }
                names.add(lines.get(i));
            }
        }
        if (names.size() != CLASSES) {
            throw new DatasetException(file + ": expected " + CLASSES + " class names, one per line, found "
                    + names.size() + " " + names);
        }
        return names;
    }
}
