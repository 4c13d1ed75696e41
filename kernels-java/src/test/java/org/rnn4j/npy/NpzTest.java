package org.rnn4j.npy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpzTest {
    @TempDir
    Path dir;

    private static Map<String, NpyArray> sample() {
        Map<String, NpyArray> m = new LinkedHashMap<>();
        m.put("weight", NpyArray.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3));
        m.put("lengths", NpyArray.of(new long[] {5, 3, 1}, 3));
        m.put("scale", NpyArray.of(new double[] {0.5}));
        m.put("empty", NpyArray.of(new int[0], 0));
        m.put("a_before_z", NpyArray.of(new int[] {1, 2}, 2));
        return m;
    }

    @Test
    void storedRoundTripKeepsOrderAndValues() throws IOException {
        roundTrip(false, ZipEntry.STORED);
    }

    @Test
    void deflatedRoundTripKeepsOrderAndValues() throws IOException {
        roundTrip(true, ZipEntry.DEFLATED);
    }

    private void roundTrip(boolean compressed, int method) throws IOException {
        Path file = dir.resolve("a.npz");
        Npz.write(file, sample(), compressed);
        try (ZipFile zip = new ZipFile(file.toFile())) {
            assertEquals(List.of("weight.npy", "lengths.npy", "scale.npy", "empty.npy", "a_before_z.npy"),
                    zip.stream().map(ZipEntry::getName).toList());
            zip.stream().forEach(e -> assertEquals(method, e.getMethod(), e.getName()));
        }
        Map<String, NpyArray> fromPath = Npz.read(file);
        assertEquals(List.copyOf(sample().keySet()), List.copyOf(fromPath.keySet()));
        assertEquals(sample(), fromPath);
        try (var in = Files.newInputStream(file)) {
            assertEquals(sample(), Npz.read(in));
        }
    }

    @Test
    void writingIsDeterministic() throws IOException {
        ByteArrayOutputStream a = new ByteArrayOutputStream();
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        Npz.write(a, sample(), true);
        Npz.write(b, sample(), true);
        assertArrayEquals(a.toByteArray(), b.toByteArray());
    }

    @Test
    void emptyArchiveReadsAsEmptyMap() throws IOException {
        Path file = dir.resolve("empty.npz");
        Npz.write(file, Map.of(), false);
        assertEquals(Map.of(), Npz.read(file));
        assertEquals(Map.of(), Npz.read(Files.newInputStream(file)));
    }

    @Test
    void rejectsNonNpyEntryNamingIt() throws IOException {
        Path file = dir.resolve("mixed.npz");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            zip.putNextEntry(new ZipEntry("x.npy"));
            zip.write(Npy.toBytes(NpyArray.of(new int[] {1}, 1)));
            zip.putNextEntry(new ZipEntry("notes.txt"));
            zip.write("hello".getBytes(StandardCharsets.UTF_8));
        }
        IOException e = assertThrows(IOException.class, () -> Npz.read(file));
        assertTrue(e.getMessage().contains("'notes.txt' is not a .npy array"), e.getMessage());
        e = assertThrows(IOException.class, () -> Npz.read(Files.newInputStream(file)));
        assertTrue(e.getMessage().contains("'notes.txt' is not a .npy array"), e.getMessage());
    }

    @Test
    void rejectsUnsupportedCompressionMethodNamingEntry() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Npz.write(out, Map.of("w", NpyArray.of(new int[] {1}, 1)), false);
        byte[] bytes = out.toByteArray();
        patchMethod(bytes, 12); // bzip2
        Path file = dir.resolve("bzip2.npz");
        Files.write(file, bytes);
        for (var read : List.<ThrowingRead>of(() -> Npz.read(file), () -> Npz.read(new ByteArrayInputStream(bytes)))) {
            IOException e = assertThrows(IOException.class, read::run);
            assertTrue(e.getMessage().contains("'w.npy' uses zip compression method 12"), e.getMessage());
        }
    }

    @Test
    void rejectsCorruptEntryNamingIt() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("bad.npy"));
            zip.write(new byte[] {1, 2, 3});
        }
        IOException e = assertThrows(IOException.class, () -> Npz.read(new ByteArrayInputStream(out.toByteArray())));
        assertTrue(e.getMessage().contains("npz entry 'bad.npy'"), e.getMessage());
        assertTrue(e.getMessage().contains("truncated npy file"), e.getMessage());
    }

    @Test
    void rejectsNonZipInput() {
        IOException e = assertThrows(IOException.class,
                () -> Npz.read(new ByteArrayInputStream(Npy.toBytes(NpyArray.of(new int[] {1}, 1)))));
        assertTrue(e.getMessage().contains("not a zip archive"), e.getMessage());
    }

    @Test
    void rejectsEmptyArrayName() {
        Map<String, NpyArray> m = Map.of("", NpyArray.of(new int[] {1}, 1));
        assertThrows(IllegalArgumentException.class, () -> Npz.write(new ByteArrayOutputStream(), m, false));
    }

    private interface ThrowingRead {
        void run() throws IOException;
    }

    /** Rewrites the compression method in every local and central zip header. */
    private static void patchMethod(byte[] zip, int method) {
        for (int i = 0; i + 4 <= zip.length; i++) {
            if (zip[i] == 'P' && zip[i + 1] == 'K' && zip[i + 2] == 3 && zip[i + 3] == 4) {
                zip[i + 8] = (byte) method;
            } else if (zip[i] == 'P' && zip[i + 1] == 'K' && zip[i + 2] == 1 && zip[i + 3] == 2) {
                zip[i + 10] = (byte) method;
            }
        }
    }
}
