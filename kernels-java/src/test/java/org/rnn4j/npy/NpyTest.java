package org.rnn4j.npy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {
    static final List<int[]> SHAPES = List.of(new int[0], new int[] {0}, new int[] {5}, new int[] {2, 3, 4});

    static Stream<NpyArray> arrays() {
        return SHAPES.stream().flatMap(shape -> {
            int n = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
            return Stream.of(
                    NpyArray.of(IntStream.range(0, n).mapToDouble(i -> i * 0.37 - 1e-300).toArray(), shape),
                    NpyArray.of(floats(n), shape),
                    NpyArray.of(IntStream.range(0, n).map(i -> i * 1_000_003 - 7).toArray(), shape),
                    NpyArray.of(IntStream.range(0, n).mapToLong(i -> (long) i << 40 | i).toArray(), shape));
        });
    }

    private static float[] floats(int n) {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = i == 1 ? Float.NaN : -i / 3f;
        }
        return f;
    }

    @TestFactory
    Stream<DynamicTest> roundTripsEveryDtypeAndShape() {
        return arrays().map(a -> DynamicTest.dynamicTest(a.toString(), () -> roundTrip(a)));
    }

    private static void roundTrip(NpyArray a) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Npy.write(a, out);
        byte[] bytes = out.toByteArray();
        assertEquals(1, bytes[6], "version 1.0");
        int headerEnd = 10 + (bytes[8] & 0xff | (bytes[9] & 0xff) << 8);
        assertEquals(0, headerEnd % 64, "data is 64-byte aligned");
        assertEquals('\n', bytes[headerEnd - 1]);
        assertEquals(headerEnd + a.size() * a.dtype().byteSize(), bytes.length);

        NpyArray back = Npy.read(bytes);
        assertEquals(a, back);
        assertArrayEquals(a.shape(), back.shape());
        assertEquals(a.dtype(), back.dtype());
    }

    @Test
    void readsConsecutiveArraysFromOneStream() throws IOException {
        NpyArray a = NpyArray.of(new int[] {1, 2}, 2);
        NpyArray b = NpyArray.of(new double[] {3});
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Npy.write(a, out);
        Npy.write(b, out);
        ByteArrayInputStream in = new ByteArrayInputStream(out.toByteArray());
        assertEquals(a, Npy.read(in));
        assertEquals(b, Npy.read(in));
        assertEquals(0, in.available());
    }

    @Test
    void readsAndWritesFiles(@TempDir Path dir) throws IOException {
        NpyArray a = NpyArray.of(new long[] {1, -2, 3}, 3, 1);
        Path file = dir.resolve("a.npy");
        try (var out = Files.newOutputStream(file)) {
            Npy.write(a, out);
        }
        assertEquals(a, Npy.read(file));
    }

    @Test
    void readsVersion2And3Headers() throws IOException {
        byte[] data = le(8, 2).putDouble(1.25).putDouble(-3).array();
        String dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }";
        for (int major : new int[] {2, 3}) {
            NpyArray a = Npy.read(npy(major, dict, data));
            assertEquals(NpyDType.FLOAT64, a.dtype());
            assertArrayEquals(new int[] {2}, a.shape());
            assertArrayEquals(new double[] {1.25, -3}, a.toDoubleArray());
        }
    }

    @Test
    void acceptsHeaderVariantsNumpyMayHaveWritten() throws IOException {
        byte[] data = le(4, 1).putInt(9).array();
        // key order, double quotes, no trailing comma, Python 2 long suffix, 1-tuple
        String dict = "{\"shape\": (1L,), 'fortran_order': False, 'descr': '<i4'}";
        assertArrayEquals(new int[] {9}, Npy.read(npy(1, dict, data)).toIntArray());
    }

    @Test
    void writesVersion2WhenHeaderExceeds64KiB() throws IOException {
        int[] shape = new int[30_000]; // "1, " per dimension: a header far over 65535 bytes
        Arrays.fill(shape, 1);
        NpyArray a = NpyArray.of(new float[] {7}, shape);
        byte[] bytes = Npy.toBytes(a);
        assertEquals(2, bytes[6]);
        int headerLength = ByteBuffer.wrap(bytes, 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        assertEquals(0, (12 + headerLength) % 64);
        assertEquals(a, Npy.read(bytes));
    }

    @Test
    void rejectsBigEndian() {
        IOException e = assertThrows(IOException.class, () -> Npy.read(npy(1,
                "{'descr': '>f8', 'fortran_order': False, 'shape': (1,), }", new byte[8])));
        assertTrue(e.getMessage().contains("unsupported npy dtype descr '>f8'"), e.getMessage());
        assertTrue(e.getMessage().contains("[<f4, <f8, <i4, <i8]"), e.getMessage());
    }

    @Test
    void rejectsUnknownAndStructuredDtypes() {
        IOException e = assertThrows(IOException.class, () -> Npy.read(npy(1,
                "{'descr': '|u1', 'fortran_order': False, 'shape': (1,), }", new byte[1])));
        assertTrue(e.getMessage().contains("'|u1'"), e.getMessage());
        assertTrue(e.getMessage().contains("supported: [<f4, <f8, <i4, <i8]"), e.getMessage());
        e = assertThrows(IOException.class, () -> Npy.read(npy(1,
                "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", new byte[4])));
        assertTrue(e.getMessage().contains("structured"), e.getMessage());
    }

    @Test
    void rejectsFortranOrder() {
        IOException e = assertThrows(IOException.class, () -> Npy.read(npy(1,
                "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", new byte[16])));
        assertTrue(e.getMessage().contains("fortran_order=True"), e.getMessage());
        assertTrue(e.getMessage().contains("unsupported"), e.getMessage());
    }

    @Test
    void rejectsTruncatedData() {
        byte[] full = Npy.toBytes(NpyArray.of(new double[] {1, 2, 3}, 3));
        IOException e = assertThrows(IOException.class, () -> Npy.read(Arrays.copyOf(full, full.length - 1)));
        assertTrue(e.getMessage().startsWith("truncated npy data"), e.getMessage());
        assertTrue(e.getMessage().contains("24 bytes but only 23"), e.getMessage());
        e = assertThrows(IOException.class, () -> Npy.read(Arrays.copyOf(full, 20)));
        assertTrue(e.getMessage().startsWith("truncated npy file"), e.getMessage());
    }

    @Test
    void rejectsTrailingBytesInAWholeBuffer() {
        byte[] full = Npy.toBytes(NpyArray.of(new int[] {1}, 1));
        IOException e = assertThrows(IOException.class, () -> Npy.read(Arrays.copyOf(full, full.length + 2)));
        assertTrue(e.getMessage().contains("2 unexpected trailing bytes"), e.getMessage());
    }

    @Test
    void rejectsBadMagicVersionAndMalformedHeaders() {
        IOException e = assertThrows(IOException.class, () -> Npy.read("PK\3\4 not npy".getBytes(StandardCharsets.ISO_8859_1)));
        assertTrue(e.getMessage().contains("magic"), e.getMessage());
        byte[] v4 = npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (), }", new byte[4]);
        v4[6] = 4;
        e = assertThrows(IOException.class, () -> Npy.read(v4));
        assertTrue(e.getMessage().contains("version 4.0"), e.getMessage());
        for (String bad : List.of(
                "{'descr': '<f4', 'fortran_order': False, 'shape': (1, }",
                "{'descr': '<f4', 'fortran_order': False}",
                "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'extra': 1}",
                "{'descr': '<f4', 'fortran_order': 0, 'shape': (1,)}",
                "{'descr': '<f4', 'fortran_order': False, 'shape': [1]}",
                "{'descr': '<f4', 'fortran_order': False, 'shape': (1)}",
                "{'descr': '<f4', 'fortran_order': False, 'shape': (-1,)}",
                "['descr', '<f4']")) {
            assertThrows(IOException.class, () -> Npy.read(npy(1, bad, new byte[4])), bad);
        }
    }

    /** An npy file with the given version and dictionary text, padded like numpy pads. */
    static byte[] npy(int major, String dict, byte[] data) {
        byte[] text = dict.getBytes(StandardCharsets.UTF_8);
        int lengthBytes = major == 1 ? 2 : 4;
        int prefix = 8 + lengthBytes;
        int padded = text.length + 1 + (64 - (prefix + text.length + 1) % 64) % 64;
        ByteBuffer buf = ByteBuffer.allocate(prefix + padded + data.length).order(ByteOrder.LITTLE_ENDIAN);
        buf.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
        if (lengthBytes == 2) {
            buf.putShort((short) padded);
        } else {
            buf.putInt(padded);
        }
        buf.put(text);
        while (buf.position() < prefix + padded - 1) {
            buf.put((byte) ' ');
        }
        return buf.put((byte) '\n').put(data).array();
    }

    private static ByteBuffer le(int bytes, int count) {
        return ByteBuffer.allocate(bytes * count).order(ByteOrder.LITTLE_ENDIAN);
    }
}
