package org.rnn4j.npy;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Reads and writes NumPy {@code .npz} archives: zip files of {@code name.npy} entries, as made by
 * {@code numpy.savez} (stored) and {@code numpy.savez_compressed} (deflated).
 *
 * <p>Reference fixtures bundle all arrays of one test case in one {@code .npz}; this gives them
 * back as a name → array map in archive order. Anything that is not a stored or deflated
 * {@code .npy} entry is an {@link IOException} naming the entry, never silently skipped, so a
 * fixture can't quietly lose an array.
 */
public final class Npz {
    private static final String SUFFIX = ".npy";
    /** Fixed entry timestamp so that writing the same arrays yields identical archives. */
    private static final LocalDateTime ENTRY_TIME = LocalDateTime.of(1980, 1, 1, 0, 0);

    private Npz() {}

    /** Reads every array of the archive at {@code path}, keyed by entry name without ".npy", in archive order. */
    public static Map<String, NpyArray> read(Path path) throws IOException {
        Map<String, NpyArray> arrays = new LinkedHashMap<>();
        ZipFile zip;
        try {
            zip = new ZipFile(path.toFile());
        } catch (ZipException e) {
            throw diagnose(path, e);
        }
        try (zip) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                String key = checkEntry(entry, path.toString());
                try (InputStream in = zip.getInputStream(entry)) {
                    put(arrays, key, readEntry(in, entry, path.toString()), entry, path.toString());
                }
            }
        }
        return arrays;
    }

    /**
     * ZipFile rejects a whole archive for one bad entry (e.g. an unsupported compression method)
     * without naming it; a streaming pass over the local headers usually can name it.
     */
    private static IOException diagnose(Path path, ZipException cause) {
        try (InputStream in = Files.newInputStream(path)) {
            readStream(in, path.toString());
        } catch (IOException streamed) {
            streamed.addSuppressed(cause);
            return streamed;
        }
        return new IOException(path + ": not a readable zip/npz archive: " + cause.getMessage(), cause);
    }

    /** Reads every array of an archive streamed from {@code in} (left open), in archive order. */
    public static Map<String, NpyArray> read(InputStream in) throws IOException {
        return readStream(in, "npz stream");
    }

    private static Map<String, NpyArray> readStream(InputStream in, String source) throws IOException {
        BufferedInputStream buffered = new BufferedInputStream(Objects.requireNonNull(in, "in"));
        checkZipSignature(buffered, source);
        Map<String, NpyArray> arrays = new LinkedHashMap<>();
        ZipInputStream zip = new ZipInputStream(buffered);
        String previous = "the start of the archive";
        while (true) {
            ZipEntry entry;
            try {
                entry = zip.getNextEntry();
            } catch (ZipException e) {
                throw new IOException(source + ": cannot read the zip entry after " + previous + ": "
                        + e.getMessage(), e);
            }
            if (entry == null) {
                return arrays;
            }
            String key = checkEntry(entry, source);
            put(arrays, key, readEntry(zip, entry, source), entry, source);
            previous = "'" + entry.getName() + "'";
        }
    }

    /**
     * Writes {@code arrays} to {@code path} (replacing it) as entries {@code key + ".npy"} in map
     * order; {@code compressed} chooses deflated (like savez_compressed) over stored (like savez).
     */
    public static void write(Path path, Map<String, NpyArray> arrays, boolean compressed) throws IOException {
        try (OutputStream out = Files.newOutputStream(path)) {
            write(out, arrays, compressed);
        }
    }

    /** As {@link #write(Path, Map, boolean)}, to a stream that is finished but left open. */
    public static void write(OutputStream out, Map<String, NpyArray> arrays, boolean compressed) throws IOException {
        Objects.requireNonNull(arrays, "arrays");
        ZipOutputStream zip = new ZipOutputStream(Objects.requireNonNull(out, "out"));
        for (Map.Entry<String, NpyArray> e : arrays.entrySet()) {
            if (e.getKey() == null || e.getKey().isEmpty()) {
                throw new IllegalArgumentException("npz array names must be non-empty, got " + e.getKey());
            }
            byte[] bytes = Npy.toBytes(Objects.requireNonNull(e.getValue(), "array '" + e.getKey() + "'"));
            ZipEntry entry = new ZipEntry(e.getKey() + SUFFIX);
            entry.setTimeLocal(ENTRY_TIME);
            if (compressed) {
                entry.setMethod(ZipEntry.DEFLATED);
            } else {
                CRC32 crc = new CRC32();
                crc.update(bytes);
                entry.setMethod(ZipEntry.STORED);
                entry.setSize(bytes.length);
                entry.setCompressedSize(bytes.length);
                entry.setCrc(crc.getValue());
            }
            zip.putNextEntry(entry);
            zip.write(bytes);
            zip.closeEntry();
        }
        zip.finish();
    }

    /** Validates name and compression method; returns the array name. */
    private static String checkEntry(ZipEntry entry, String source) throws IOException {
        String name = entry.getName();
        if (entry.isDirectory() || !name.endsWith(SUFFIX) || name.length() == SUFFIX.length()) {
            throw new IOException(source + ": npz entry '" + name + "' is not a .npy array file");
        }
        int method = entry.getMethod();
        if (method != ZipEntry.STORED && method != ZipEntry.DEFLATED) {
            throw new IOException(source + ": npz entry '" + name + "' uses zip compression method " + method
                    + "; only stored (0) and deflated (8) are supported");
        }
        return name.substring(0, name.length() - SUFFIX.length());
    }

    private static NpyArray readEntry(InputStream in, ZipEntry entry, String source) throws IOException {
        try {
            return Npy.read(in.readAllBytes());
        } catch (IOException e) {
            throw new IOException(source + ": npz entry '" + entry.getName() + "': " + e.getMessage(), e);
        }
    }

    private static void put(Map<String, NpyArray> arrays, String key, NpyArray array, ZipEntry entry, String source)
            throws IOException {
        if (arrays.putIfAbsent(key, array) != null) {
            throw new IOException(source + ": npz entry '" + entry.getName() + "' appears more than once");
        }
    }

    /** ZipInputStream reports a non-zip stream as an empty archive; refuse it instead. */
    private static void checkZipSignature(BufferedInputStream in, String source) throws IOException {
        in.mark(4);
        byte[] sig = in.readNBytes(4);
        in.reset();
        boolean local = sig.length == 4 && sig[0] == 'P' && sig[1] == 'K' && sig[2] == 3 && sig[3] == 4;
        boolean empty = sig.length == 4 && sig[0] == 'P' && sig[1] == 'K' && sig[2] == 5 && sig[3] == 6;
        if (!local && !empty) {
            throw new IOException(source + ": not a zip archive (no PK signature at its start)");
        }
    }
}
