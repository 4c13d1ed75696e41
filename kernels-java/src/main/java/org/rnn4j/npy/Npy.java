package org.rnn4j.npy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Reads and writes single arrays in NumPy's {@code .npy} format (versions 1.0, 2.0, 3.0).
 *
 * <p>This is how reference data produced by NumPy/PyTorch reaches the JVM kernels' tests and
 * benchmarks without a Python runtime or third-party library. Reading is strict: anything that
 * cannot be represented faithfully as an {@link NpyArray} (big-endian or exotic dtypes, Fortran
 * order, truncated data) is an {@link IOException} that says what was found. Writing produces the
 * same bytes {@code numpy.save} does for a C-ordered array, so files diff cleanly against NumPy's.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** Headers are padded so data starts on this boundary, as NumPy does. */
    private static final int ALIGN = 64;
    /** Refuse absurd header lengths from corrupt files rather than allocating for them. */
    private static final int MAX_HEADER_BYTES = 1 << 20;

    private Npy() {}

    /**
     * Reads one array from {@code in}, consuming exactly its bytes and leaving the stream open, so
     * several arrays may be read back to back.
     */
    public static NpyArray read(InputStream in) throws IOException {
        Objects.requireNonNull(in, "in");
        byte[] magic = readExactly(in, MAGIC.length + 2, "magic string and version");
        for (int i = 0; i < MAGIC.length; i++) {
            if (magic[i] != MAGIC[i]) {
                throw new IOException("not an npy file: missing the \\x93NUMPY magic string");
            }
        }
        int major = magic[6] & 0xff;
        int minor = magic[7] & 0xff;
        if (minor != 0 || major < 1 || major > 3) {
            throw new IOException("unsupported npy format version " + major + "." + minor
                    + "; supported: 1.0, 2.0, 3.0");
        }
        long headerLength;
        if (major == 1) {
            headerLength = littleEndian(readExactly(in, 2, "header length"));
        } else {
            headerLength = littleEndian(readExactly(in, 4, "header length"));
        }
        if (headerLength > MAX_HEADER_BYTES) {
            throw new IOException("npy header length " + headerLength + " exceeds " + MAX_HEADER_BYTES + " bytes");
        }
        byte[] headerBytes = readExactly(in, (int) headerLength, "header");
        String text = new String(headerBytes, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        NpyHeader header = NpyHeader.parse(text);

        int count = elementCount(header.shape());
        long byteCount = (long) count * header.dtype().byteSize();
        if (byteCount > Integer.MAX_VALUE - 8) {
            throw new IOException("npy array of shape " + NpyArray.shapeString(header.shape()) + " is "
                    + byteCount + " bytes; arrays over 2 GiB are not supported");
        }
        byte[] raw = in.readNBytes((int) byteCount);
        if (raw.length != byteCount) {
            throw new IOException("truncated npy data: header declares " + header.dtype().descr() + " shape "
                    + NpyArray.shapeString(header.shape()) + " = " + byteCount + " bytes but only "
                    + raw.length + " bytes follow");
        }
        return NpyArray.adopt(header.dtype(), header.shape(), decode(header.dtype(), raw, count));
    }

    /** Reads an array that must occupy all of {@code bytes}; trailing bytes are an error. */
    public static NpyArray read(byte[] bytes) throws IOException {
        ByteArrayInputStream in = new ByteArrayInputStream(Objects.requireNonNull(bytes, "bytes"));
        NpyArray array = read(in);
        if (in.available() != 0) {
            throw new IOException("npy data is followed by " + in.available() + " unexpected trailing bytes");
        }
        return array;
    }

    /** Reads the {@code .npy} file at {@code path}, which must hold exactly one array. */
    public static NpyArray read(Path path) throws IOException {
        try {
            return read(Files.readAllBytes(path));
        } catch (IOException e) {
            throw new IOException(path + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes {@code array} to {@code out} (left open) as numpy.save would: version 1.0 unless the
     * header needs more than 65535 bytes, then 2.0.
     */
    public static void write(NpyArray array, OutputStream out) throws IOException {
        Objects.requireNonNull(array, "array");
        Objects.requireNonNull(out, "out");
        out.write(header(array));
        out.write(encode(array));
    }

    /** The complete {@code .npy} file contents for {@code array}. */
    public static byte[] toBytes(NpyArray array) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            write(array, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not throw
        }
        return out.toByteArray();
    }

    private static byte[] header(NpyArray array) {
        byte[] dict = new NpyHeader(array.dtype(), array.shape()).format().getBytes(StandardCharsets.ISO_8859_1);
        for (int lengthBytes : new int[] {2, 4}) {
            int prefix = MAGIC.length + 2 + lengthBytes;
            int unpadded = dict.length + 1; // + newline
            int pad = ALIGN - (prefix + unpadded) % ALIGN; // 1..64, exactly as numpy computes it
            long total = (long) unpadded + pad;
            if (lengthBytes == 2 && total > 0xffff) {
                continue; // too long for version 1.0
            }
            ByteBuffer buf = ByteBuffer.allocate(prefix + (int) total).order(ByteOrder.LITTLE_ENDIAN);
            buf.put(MAGIC).put((byte) (lengthBytes == 2 ? 1 : 2)).put((byte) 0);
            if (lengthBytes == 2) {
                buf.putShort((short) total);
            } else {
                buf.putInt((int) total);
            }
            buf.put(dict);
            while (buf.remaining() > 1) {
                buf.put((byte) ' ');
            }
            return buf.put((byte) '\n').array();
        }
        throw new AssertionError("unreachable");
    }

    private static byte[] encode(NpyArray array) {
        int n = array.size();
        ByteBuffer buf = ByteBuffer.allocate(n * array.dtype().byteSize()).order(ByteOrder.LITTLE_ENDIAN);
        switch (array.rawData()) {
            case double[] d -> buf.asDoubleBuffer().put(d, 0, n);
            case float[] f -> buf.asFloatBuffer().put(f, 0, n);
            case int[] v -> buf.asIntBuffer().put(v, 0, n);
            case long[] v -> buf.asLongBuffer().put(v, 0, n);
            default -> throw new AssertionError(array.rawData().getClass());
        }
        return buf.array();
    }

    private static Object decode(NpyDType dtype, byte[] raw, int count) {
        ByteBuffer buf = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        Object data = emptyData(dtype, count);
        switch (data) {
            case double[] d -> buf.asDoubleBuffer().get(d);
            case float[] f -> buf.asFloatBuffer().get(f);
            case int[] v -> buf.asIntBuffer().get(v);
            case long[] v -> buf.asLongBuffer().get(v);
            default -> throw new AssertionError(data.getClass());
        }
        return data;
    }

    private static Object emptyData(NpyDType dtype, int count) {
        return switch (dtype) {
            case FLOAT64 -> new double[count];
            case FLOAT32 -> new float[count];
            case INT32 -> new int[count];
            case INT64 -> new long[count];
        };
    }

    private static int elementCount(int[] shape) throws IOException {
        long n = 1;
        for (int d : shape) {
            n *= d;
            if (n > Integer.MAX_VALUE) {
                throw new IOException("npy array of shape " + NpyArray.shapeString(shape)
                        + " has more elements than a Java array can hold");
            }
        }
        return (int) n;
    }

    private static byte[] readExactly(InputStream in, int n, String what) throws IOException {
        byte[] b = in.readNBytes(n);
        if (b.length != n) {
            throw new IOException("truncated npy file: expected " + n + " bytes of " + what + " but got "
                    + b.length);
        }
        return b;
    }

    private static long littleEndian(byte[] b) {
        long v = 0;
        for (int i = b.length - 1; i >= 0; i--) {
            v = (v << 8) | (b[i] & 0xff);
        }
        return v;
    }
}
