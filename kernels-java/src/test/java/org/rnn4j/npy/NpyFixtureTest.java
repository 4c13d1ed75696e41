package org.rnn4j.npy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Reads files written by NumPy itself (see make_fixtures.py beside them) and asserts exact values. */
class NpyFixtureTest {
    private static final float[] F32 = {1.5f, -2.25f, 3e-8f, 0.1f, 65504f, -0.0f};
    private static final long[] I64 = {0, -1, 1L << 40, -(1L << 62)};
    private static final int[] I32 = {7, -8, Integer.MAX_VALUE};

    private static Path resource(String name) throws URISyntaxException {
        return Path.of(NpyFixtureTest.class.getResource(name).toURI());
    }

    private static void assertSmall(Map<String, NpyArray> m) {
        assertEquals(List.of("f32", "i64", "scalar", "i32"), List.copyOf(m.keySet()));
        NpyArray f32 = m.get("f32");
        assertEquals(NpyDType.FLOAT32, f32.dtype());
        assertArrayEquals(new int[] {2, 3}, f32.shape());
        assertArrayEquals(F32, f32.toFloatArray());
        NpyArray i64 = m.get("i64");
        assertEquals(NpyDType.INT64, i64.dtype());
        assertArrayEquals(new int[] {4}, i64.shape());
        assertArrayEquals(I64, i64.toLongArray());
        NpyArray scalar = m.get("scalar");
        assertEquals(NpyDType.FLOAT64, scalar.dtype());
        assertArrayEquals(new int[0], scalar.shape());
        assertArrayEquals(new double[] {Math.PI}, scalar.toDoubleArray());
        NpyArray i32 = m.get("i32");
        assertEquals(NpyDType.INT32, i32.dtype());
        assertArrayEquals(I32, i32.toIntArray());
    }

    @Test
    void readsNumpySavezStored() throws Exception {
        assertSmall(Npz.read(resource("small_stored.npz")));
        try (InputStream in = NpyFixtureTest.class.getResourceAsStream("small_stored.npz")) {
            assertSmall(Npz.read(in));
        }
    }

    @Test
    void readsNumpySavezCompressed() throws Exception {
        assertSmall(Npz.read(resource("small_deflated.npz")));
        try (InputStream in = NpyFixtureTest.class.getResourceAsStream("small_deflated.npz")) {
            assertSmall(Npz.read(in));
        }
    }

    @Test
    void writesTheSameBytesAsNumpySave() throws Exception {
        assertArrayEquals(bytes("f32_2x3.npy"), Npy.toBytes(NpyArray.of(F32, 2, 3)));
        assertArrayEquals(bytes("f64_scalar.npy"), Npy.toBytes(NpyArray.of(new double[] {Math.PI})));
        assertEquals(NpyArray.of(F32, 2, 3), Npy.read(resource("f32_2x3.npy")));
    }

    private static byte[] bytes(String name) throws IOException {
        try (InputStream in = NpyFixtureTest.class.getResourceAsStream(name)) {
            return in.readAllBytes();
        }
    }
}
