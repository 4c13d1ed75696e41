package org.rnn4j.npy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NpyArrayTest {
    @Test
    void factoriesRecordDtypeShapeAndSize() {
        NpyArray d = NpyArray.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
        assertEquals(NpyDType.FLOAT64, d.dtype());
        assertArrayEquals(new int[] {2, 3}, d.shape());
        assertEquals(6, d.size());
        assertEquals(2, d.ndim());
        assertEquals(NpyDType.FLOAT32, NpyArray.of(new float[] {1}).dtype());
        assertEquals(NpyDType.INT32, NpyArray.of(new int[] {1}, 1).dtype());
        assertEquals(NpyDType.INT64, NpyArray.of(new long[0], 0).dtype());
    }

    @Test
    void scalarHasEmptyShapeAndOneElement() {
        NpyArray s = NpyArray.of(new double[] {Math.PI});
        assertArrayEquals(new int[0], s.shape());
        assertEquals(1, s.size());
        assertEquals(0, s.ndim());
    }

    @Test
    void shapeMismatchNamesExpectedAndGiven() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NpyArray.of(new float[5], 2, 3));
        assertEquals("shape (2, 3) expects 6 elements but data has 5", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> NpyArray.of(new long[2]));
        assertEquals("shape () expects 1 elements but data has 2", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> NpyArray.of(new int[0], -1));
        assertTrue(e.getMessage().contains("negative"), e.getMessage());
    }

    @Test
    void inputsAndOutputsAreDefensivelyCopied() {
        double[] data = {1, 2};
        int[] shape = {2};
        NpyArray a = NpyArray.of(data, shape);
        data[0] = 99;
        shape[0] = 7;
        a.shape()[0] = 5;
        a.toDoubleArray()[1] = 42;
        assertArrayEquals(new double[] {1, 2}, a.toDoubleArray());
        assertArrayEquals(new int[] {2}, a.shape());
    }

    @Test
    void conversionsBetweenTypes() {
        NpyArray ints = NpyArray.of(new int[] {-3, 4}, 2);
        assertArrayEquals(new long[] {-3, 4}, ints.toLongArray());
        assertArrayEquals(new double[] {-3, 4}, ints.toDoubleArray());
        assertArrayEquals(new float[] {-3, 4}, ints.toFloatArray());
        NpyArray longs = NpyArray.of(new long[] {5, -6}, 2);
        assertArrayEquals(new int[] {5, -6}, longs.toIntArray());
        NpyArray doubles = NpyArray.of(new double[] {0.1}, 1);
        assertArrayEquals(new float[] {0.1f}, doubles.toFloatArray());
        assertArrayEquals(new double[] {0.1f}, NpyArray.of(new float[] {0.1f}, 1).toDoubleArray());
    }

    @Test
    void floatToIntegerConversionIsRefused() {
        NpyArray f = NpyArray.of(new float[] {1.5f}, 1);
        IllegalStateException e = assertThrows(IllegalStateException.class, f::toIntArray);
        assertTrue(e.getMessage().contains("FLOAT32"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> NpyArray.of(new double[] {1}).toLongArray());
    }

    @Test
    void int64OutsideIntRangeIsRefused() {
        NpyArray big = NpyArray.of(new long[] {1, 1L << 40}, 2);
        IllegalStateException e = assertThrows(IllegalStateException.class, big::toIntArray);
        assertTrue(e.getMessage().contains("element 1"), e.getMessage());
    }

    @Test
    void valueEqualityAndToString() {
        NpyArray a = NpyArray.of(new float[] {1, 2}, 2);
        assertEquals(a, NpyArray.of(new float[] {1, 2}, 2));
        assertEquals(a.hashCode(), NpyArray.of(new float[] {1, 2}, 2).hashCode());
        assertNotEquals(a, NpyArray.of(new float[] {1, 2}, 1, 2));
        assertNotEquals(a, NpyArray.of(new double[] {1, 2}, 2));
        assertEquals("NpyArray[<f4, shape=(2,)]", a.toString());
    }
}
