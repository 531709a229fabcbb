package org.deeptoy.data;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads IDX files (the MNIST format, big-endian): images {@code magic 2051, count, rows, cols,
 * pixels...} and labels {@code magic 2049, count, labels...}, plain or gzip-compressed.
 */
final class IdxReader {
    static final int IMAGES_MAGIC = 0x00000803;
    static final int LABELS_MAGIC = 0x00000801;
    private static final int MAX_BYTES = Integer.MAX_VALUE - 16;

    private IdxReader() {
    }

    /** Images of one IDX file: {@code count} images of {@code rows x cols} bytes from {@code bytes[16]}. */
    record Images(Path file, int count, int rows, int cols, byte[] bytes) {
        static final int OFFSET = 16;
    }

    static Images readImages(Path file) {
        byte[] b = readBytes(file);
        if (b.length < 16) {
            throw new DatasetException(file + ": truncated IDX image file: the header needs 16 bytes, the file has "
                    + b.length + ". " + DELETE_HINT);
        }
        ByteBuffer h = ByteBuffer.wrap(b).order(ByteOrder.BIG_ENDIAN);
        int magic = h.getInt(0);
        if (magic != IMAGES_MAGIC) {
            throw new DatasetException(file + ": not an IDX image file: magic number is " + magic + " (0x"
                    + String.format("%08x", magic) + "), expected 2051 (0x00000803)"
                    + (magic == LABELS_MAGIC ? "; this is a label file, are the file names swapped?" : ""));
        }
        int count = h.getInt(4), rows = h.getInt(8), cols = h.getInt(12);
        if (count < 0 || rows <= 0 || cols <= 0) {
            throw new DatasetException(file + ": corrupt IDX header: " + count + " images of " + rows + " x " + cols);
        }
        long expected = 16L + (long) count * rows * cols;
        if (b.length != expected) {
            long image = (long) rows * cols;
            throw new DatasetException(file + ": " + (b.length < expected ? "truncated" : "too long") + ": the header says "
                    + count + " images of " + rows + " x " + cols + " = " + expected + " bytes, the file has " + b.length
                    + " bytes (" + (b.length - 16) / image + " whole images). " + DELETE_HINT);
        }
        return new Images(file, count, rows, cols, b);
    }

    /** The labels of an IDX label file, each checked to lie in {@code 0 .. numClasses - 1}. */
    static int[] readLabels(Path file, int numClasses) {
        byte[] b = readBytes(file);
        if (b.length < 8) {
            throw new DatasetException(file + ": truncated IDX label file: the header needs 8 bytes, the file has "
                    + b.length + ". " + DELETE_HINT);
        }
        ByteBuffer h = ByteBuffer.wrap(b).order(ByteOrder.BIG_ENDIAN);
        int magic = h.getInt(0);
        if (magic != LABELS_MAGIC) {
            throw new DatasetException(file + ": not an IDX label file: magic number is " + magic + " (0x"
                    + String.format("%08x", magic) + "), expected 2049 (0x00000801)"
                    + (magic == IMAGES_MAGIC ? "; this is an image file, are the file names swapped?" : ""));
        }
        int count = h.getInt(4);
        if (count < 0 || b.length != 8L + count) {
            throw new DatasetException(file + ": " + (b.length < 8L + count ? "truncated" : "wrong size")
                    + ": the header says " + count + " labels (" + (8L + count) + " bytes), the file has " + b.length
                    + " bytes. " + DELETE_HINT);
        }
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            int v = b[8 + i] & 0xff;
            if (v >= numClasses) {
                throw new DatasetException(file + ": label " + v + " of example " + i + " (byte offset " + (8 + i)
                        + ") is outside 0.." + (numClasses - 1) + "; the file is corrupt. " + DELETE_HINT);
            }
            labels[i] = v;
        }
        return labels;
    }

    /** The whole file, gunzipped when it starts with the gzip magic bytes (whatever its name). */
    static byte[] readBytes(Path file) {
        try {
            if (!isGzip(file)) return Files.readAllBytes(file);
            long stored = Files.size(file);
            int size = gzipSizeHint(file, stored);
            try (InputStream in = new GZIPInputStream(Files.newInputStream(file), 1 << 16)) {
                if (size < 0) return in.readAllBytes();
                byte[] out = in.readNBytes(size);
                int next = in.read();
                if (out.length == size && next == -1) return out;
                // ISIZE is the size modulo 2^32 of the last gzip member only: append whatever follows.
                var all = new java.io.ByteArrayOutputStream(out.length + (1 << 16));
                all.write(out);
                if (next >= 0) {
                    all.write(next);
                    in.transferTo(all);
                }
                return all.toByteArray();
            }
        } catch (NoSuchFileException e) {
            throw new DatasetException(file + ": file not found", e);
        } catch (EOFException e) {
            throw new DatasetException(file + ": truncated gzip file: it ends before the compressed data does. "
                    + DELETE_HINT, e);
        } catch (ZipException e) {
            throw new DatasetException(file + ": corrupt gzip file (" + e.getMessage() + "). " + DELETE_HINT, e);
        } catch (IOException e) {
            throw new DatasetException(file + ": cannot read: " + e, e);
        } catch (OutOfMemoryError | ArithmeticException e) {
            throw new DatasetException(file + ": too large to read into memory; start Java with a larger -Xmx", e);
        }
    }

    static boolean isGzip(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.read() == 0x1f && in.read() == 0x8b;
        }
    }

    /** The uncompressed size from the gzip trailer (ISIZE, little-endian), or -1 if unusable. */
    private static int gzipSizeHint(Path file, long stored) throws IOException {
        if (stored < 18) return -1;
        try (var ch = Files.newByteChannel(file)) {
            ByteBuffer t = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
            ch.position(stored - 4);
            while (t.hasRemaining() && ch.read(t) >= 0) { }
            long isize = Integer.toUnsignedLong(t.getInt(0));
            return isize <= MAX_BYTES ? (int) isize : -1;
        }
    }

    static final String DELETE_HINT =
            "Delete or replace this file (a fresh copy comes from the official source or DEEPTOY_DATA).";
}
