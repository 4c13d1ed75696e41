package org.rnn4j.tool;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A minimal protocol-buffers encoder: the wire format for the few field kinds an ONNX model needs (varints,
 * 32-bit floats, length-delimited bytes, strings and nested messages). Fields are written in call order; the
 * caller keeps field numbers right. See https://protobuf.dev/programming-guides/encoding/.
 */
final class ProtoWriter {
    static final int VARINT = 0;
    static final int FIXED32 = 5;
    static final int LENGTH_DELIMITED = 2;

    private byte[] buf = new byte[64];
    private int size;

    int size() {
        return size;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }

    /** An int32/int64/enum field (negative values take ten bytes, as protobuf encodes them). */
    ProtoWriter int64(int field, long value) {
        tag(field, VARINT);
        varint(value);
        return this;
    }

    ProtoWriter float32(int field, float value) {
        tag(field, FIXED32);
        int bits = Float.floatToRawIntBits(value);
        ensure(4);
        for (int i = 0; i < 4; i++) buf[size++] = (byte) (bits >>> (8 * i));
        return this;
    }

    ProtoWriter string(int field, String value) {
        return bytes(field, value.getBytes(StandardCharsets.UTF_8));
    }

    ProtoWriter bytes(int field, byte[] value) {
        tag(field, LENGTH_DELIMITED);
        varint(value.length);
        ensure(value.length);
        System.arraycopy(value, 0, buf, size, value.length);
        size += value.length;
        return this;
    }

    ProtoWriter message(int field, ProtoWriter message) {
        tag(field, LENGTH_DELIMITED);
        varint(message.size);
        ensure(message.size);
        System.arraycopy(message.buf, 0, buf, size, message.size);
        size += message.size;
        return this;
    }

    /** A packed repeated int64 field. */
    ProtoWriter packedInt64(int field, long... values) {
        ProtoWriter inner = new ProtoWriter();
        for (long v : values) inner.varint(v);
        tag(field, LENGTH_DELIMITED);
        varint(inner.size);
        ensure(inner.size);
        System.arraycopy(inner.buf, 0, buf, size, inner.size);
        size += inner.size;
        return this;
    }

    private void tag(int field, int wireType) {
        if (field < 1 || field > (1 << 29) - 1) throw new IllegalArgumentException("field: expected 1..2^29-1 but was " + field);
        varint(((long) field << 3) | wireType);
    }

    void varint(long v) {
        ensure(10);
        while ((v & ~0x7FL) != 0) {
            buf[size++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[size++] = (byte) v;
    }

    private void ensure(int more) {
        long need = (long) size + more;
        if (need > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("message: expected at most 2 GiB (the protobuf limit) but it would need "
                    + need + " bytes");
        }
        if (need > buf.length) buf = Arrays.copyOf(buf, (int) Math.min(Integer.MAX_VALUE - 16, Math.max(need, 2L * buf.length)));
    }
}
