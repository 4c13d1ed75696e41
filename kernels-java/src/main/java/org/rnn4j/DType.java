package org.rnn4j;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Element type of every tensor a call touches: data, states, weights and gradients share one dtype. */
public enum DType {
    F32(ValueLayout.JAVA_FLOAT_UNALIGNED, "float32"),
    F64(ValueLayout.JAVA_DOUBLE_UNALIGNED, "float64");

    private final ValueLayout layout;
    private final String numpyName;

    DType(ValueLayout layout, String numpyName) {
        this.layout = layout;
        this.numpyName = numpyName;
    }

    /** Bytes per element. */
    public int bytes() {
        return (int) layout.byteSize();
    }

    /** The unaligned layout used to read and write elements (callers' segments need not be aligned). */
    public ValueLayout layout() {
        return layout;
    }

    /** The NumPy name ({@code float32}/{@code float64}), as used in fixtures and messages. */
    public String numpyName() {
        return numpyName;
    }

    /** Element {@code index} of {@code s} (unaligned) as a double: the one dtype-dispatched read the project uses. */
    public double get(MemorySegment s, long index) {
        return this == F64 ? s.getAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, index)
                : s.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, index);
    }

    /** Writes {@code value} (rounded to float for F32) as element {@code index} of {@code s}. */
    public void set(MemorySegment s, long index, double value) {
        if (this == F64) s.setAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, index, value);
        else s.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, index, (float) value);
    }

    /** Parses {@code f32|float32|f64|float64} (case-insensitive). */
    public static DType parse(String s) {
        if (s == null) throw new IllegalArgumentException("dtype: expected one of f32, float32, f64, float64 but was null");
        return switch (s.toLowerCase(java.util.Locale.ROOT)) {
            case "f32", "float32", "float" -> F32;
            case "f64", "float64", "double" -> F64;
            default -> throw new IllegalArgumentException(
                    "dtype: expected one of f32, float32, f64, float64 but was '" + s + "'");
        };
    }
}
