package org.rnn4j.npy;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The element types an {@code .npy} file may hold here. Fixtures and reference data only ever need
 * little-endian floats and integers, so the reader accepts exactly these and rejects everything else
 * loudly instead of guessing at byte order or structured layouts.
 */
public enum NpyDType {
    FLOAT32("<f4", 4),
    FLOAT64("<f8", 8),
    INT32("<i4", 4),
    INT64("<i8", 8);

    private final String descr;
    private final int byteSize;

    NpyDType(String descr, int byteSize) {
        this.descr = descr;
        this.byteSize = byteSize;
    }

    /** The NumPy {@code descr} string written in headers, e.g. {@code <f8}. */
    public String descr() {
        return descr;
    }

    /** Bytes per element. */
    public int byteSize() {
        return byteSize;
    }

    /** True for {@link #FLOAT32} and {@link #FLOAT64}. */
    public boolean isFloating() {
        return this == FLOAT32 || this == FLOAT64;
    }

    /** The dtype whose descr is exactly {@code descr}, if supported. */
    public static Optional<NpyDType> fromDescr(String descr) {
        return Arrays.stream(values()).filter(t -> t.descr.equals(descr)).findFirst();
    }

    /** All supported descr strings, for error messages. */
    public static List<String> supportedDescrs() {
        return Arrays.stream(values()).map(NpyDType::descr).toList();
    }
}
