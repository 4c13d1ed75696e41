package org.rnn4j.npy;

import java.util.Arrays;
import java.util.Objects;

/**
 * A dense, C-ordered (row-major) n-dimensional array as stored in an {@code .npy} file.
 *
 * <p>It exists so that fixtures and reference outputs can travel between NumPy/PyTorch and the JVM
 * without a numerics dependency: it is a plain value (dtype, shape, one primitive array) and
 * nothing more. Shape and data are copied on the way in and out, so an instance cannot change
 * after construction; conversions ({@code toXxxArray}) always return fresh arrays.
 *
 * <p>Shape {@code ()} is a scalar (one element); a zero in the shape makes an empty array.
 */
public final class NpyArray {
    private final NpyDType dtype;
    private final int[] shape;
    /** Exactly one of double[], float[], int[], long[], matching {@link #dtype}. Never exposed. */
    private final Object data;
    private final int size;

    private NpyArray(NpyDType dtype, int[] shape, Object data, int length) {
        this.dtype = dtype;
        this.shape = shape;
        this.data = data;
        this.size = checkShape(shape, length);
    }

    /** A {@link NpyDType#FLOAT64} array; {@code shape} must describe exactly {@code data.length} elements. */
    public static NpyArray of(double[] data, int... shape) {
        Objects.requireNonNull(data, "data");
        return new NpyArray(NpyDType.FLOAT64, copyShape(shape), data.clone(), data.length);
    }

    /** A {@link NpyDType#FLOAT32} array; {@code shape} must describe exactly {@code data.length} elements. */
    public static NpyArray of(float[] data, int... shape) {
        Objects.requireNonNull(data, "data");
        return new NpyArray(NpyDType.FLOAT32, copyShape(shape), data.clone(), data.length);
    }

    /** An {@link NpyDType#INT32} array; {@code shape} must describe exactly {@code data.length} elements. */
    public static NpyArray of(int[] data, int... shape) {
        Objects.requireNonNull(data, "data");
        return new NpyArray(NpyDType.INT32, copyShape(shape), data.clone(), data.length);
    }

    /** An {@link NpyDType#INT64} array; {@code shape} must describe exactly {@code data.length} elements. */
    public static NpyArray of(long[] data, int... shape) {
        Objects.requireNonNull(data, "data");
        return new NpyArray(NpyDType.INT64, copyShape(shape), data.clone(), data.length);
    }

    /** Adopts {@code data} without copying; for the reader, which owns the freshly decoded array. */
    static NpyArray adopt(NpyDType dtype, int[] shape, Object data) {
        int length = switch (dtype) {
            case FLOAT64 -> ((double[]) data).length;
            case FLOAT32 -> ((float[]) data).length;
            case INT32 -> ((int[]) data).length;
            case INT64 -> ((long[]) data).length;
        };
        return new NpyArray(dtype, shape.clone(), data, length);
    }

    /** The element type. */
    public NpyDType dtype() {
        return dtype;
    }

    /** A copy of the shape; empty for a scalar. */
    public int[] shape() {
        return shape.clone();
    }

    /** Number of dimensions (0 for a scalar). */
    public int ndim() {
        return shape.length;
    }

    /** Number of elements: the product of the shape (1 for a scalar). */
    public int size() {
        return size;
    }

    /** The elements in C order as doubles; INT64 values beyond 2^53 lose precision. */
    public double[] toDoubleArray() {
        double[] out = new double[size];
        switch (data) {
            case double[] d -> System.arraycopy(d, 0, out, 0, size);
            case float[] f -> { for (int i = 0; i < size; i++) out[i] = f[i]; }
            case int[] v -> { for (int i = 0; i < size; i++) out[i] = v[i]; }
            case long[] v -> { for (int i = 0; i < size; i++) out[i] = v[i]; }
            default -> throw new AssertionError(data.getClass());
        }
        return out;
    }

    /** The elements in C order as floats; FLOAT64 and large integers are rounded to nearest. */
    public float[] toFloatArray() {
        float[] out = new float[size];
        switch (data) {
            case float[] f -> System.arraycopy(f, 0, out, 0, size);
            case double[] d -> { for (int i = 0; i < size; i++) out[i] = (float) d[i]; }
            case int[] v -> { for (int i = 0; i < size; i++) out[i] = v[i]; }
            case long[] v -> { for (int i = 0; i < size; i++) out[i] = v[i]; }
            default -> throw new AssertionError(data.getClass());
        }
        return out;
    }

    /**
     * The elements in C order as longs.
     *
     * @throws IllegalStateException if the dtype is floating point (no silent truncation)
     */
    public long[] toLongArray() {
        return switch (data) {
            case long[] v -> v.clone();
            case int[] v -> Arrays.stream(v).asLongStream().toArray();
            default -> throw notIntegral("long");
        };
    }

    /**
     * The elements in C order as ints.
     *
     * @throws IllegalStateException if the dtype is floating point, or an INT64 value does not fit an int
     */
    public int[] toIntArray() {
        return switch (data) {
            case int[] v -> v.clone();
            case long[] v -> {
                int[] out = new int[size];
                for (int i = 0; i < size; i++) {
                    if (v[i] != (int) v[i]) {
                        throw new IllegalStateException("cannot convert INT64 array to int[]: element " + i
                                + " = " + v[i] + " is outside the int range");
                    }
                    out[i] = (int) v[i];
                }
                yield out;
            }
            default -> throw notIntegral("int");
        };
    }

    /** The backing primitive array, uncopied; for the writer only. */
    Object rawData() {
        return data;
    }

    private IllegalStateException notIntegral(String target) {
        return new IllegalStateException("cannot convert a " + dtype + " array to " + target
                + "[]: only INT32 and INT64 arrays convert to integers (use toDoubleArray/toFloatArray)");
    }

    /** Python-style shape text, e.g. {@code ()}, {@code (5,)}, {@code (2, 3)}. */
    static String shapeString(int[] shape) {
        if (shape.length == 1) {
            return "(" + shape[0] + ",)";
        }
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        return sb.append(')').toString();
    }

    private static int[] copyShape(int[] shape) {
        return Objects.requireNonNull(shape, "shape").clone();
    }

    private static int checkShape(int[] shape, int length) {
        long product = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("shape " + shapeString(shape) + " has a negative dimension");
            }
            product = product * d;
            if (product > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("shape " + shapeString(shape) + " has more than "
                        + Integer.MAX_VALUE + " elements");
            }
        }
        if (product != length) {
            throw new IllegalArgumentException("shape " + shapeString(shape) + " expects " + product
                    + " elements but data has " + length);
        }
        return (int) product;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof NpyArray other) || dtype != other.dtype || !Arrays.equals(shape, other.shape)) {
            return false;
        }
        return switch (data) {
            case double[] d -> Arrays.equals(d, (double[]) other.data);
            case float[] f -> Arrays.equals(f, (float[]) other.data);
            case int[] v -> Arrays.equals(v, (int[]) other.data);
            case long[] v -> Arrays.equals(v, (long[]) other.data);
            default -> throw new AssertionError(data.getClass());
        };
    }

    @Override
    public int hashCode() {
        int h = 31 * dtype.hashCode() + Arrays.hashCode(shape);
        return 31 * h + switch (data) {
            case double[] d -> Arrays.hashCode(d);
            case float[] f -> Arrays.hashCode(f);
            case int[] v -> Arrays.hashCode(v);
            case long[] v -> Arrays.hashCode(v);
            default -> throw new AssertionError(data.getClass());
        };
    }

    @Override
    public String toString() {
        return "NpyArray[" + dtype.descr() + ", shape=" + shapeString(shape) + "]";
    }
}
