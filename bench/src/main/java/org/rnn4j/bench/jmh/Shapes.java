package org.rnn4j.bench.jmh;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The named shapes (T, N, I, H) of the JMH suite, the CI gate and the performance page.
 *
 * <ul>
 *   <li>A 100,64,512,512; B 50,32,1024,1024; C 25,16,256,256; D 100,1,512,512 (batch 1); E 1,64,512,512 (one
 *       step of a batch).</li>
 *   <li>DeepBench training shapes (Baidu DeepBench, {@code code/kernels/rnn_problems.h}, {@code training_set}:
 *       hidden units, batch, time steps, cell; DeepBench's input size is the hidden size): DB1 = (512, 64, 25,
 *       lstm), DB2 = (1024, 32, 25, lstm), DB3 = (256, 64, 150, lstm), DB4 = (1760, 16, 50, vanilla).</li>
 * </ul>
 *
 * A shape may also be given literally as {@code TxNxIxH} (e.g. {@code 10x4x32x32}; JMH's {@code -p} splits values
 * at commas, so the literal form uses {@code x}).
 */
public final class Shapes {
    /** One shape; {@code deepBenchCell} is the cell DeepBench runs on it (null for A to E and literals). */
    public record Shape(String name, int T, int N, int I, int H, String deepBenchCell) {
        /** "100,64,512,512". */
        public String tnih() {
            return T + "," + N + "," + I + "," + H;
        }
    }

    private static final Map<String, Shape> NAMED = new LinkedHashMap<>();

    static {
        add(new Shape("A", 100, 64, 512, 512, null));
        add(new Shape("B", 50, 32, 1024, 1024, null));
        add(new Shape("C", 25, 16, 256, 256, null));
        add(new Shape("D", 100, 1, 512, 512, null));
        add(new Shape("E", 1, 64, 512, 512, null));
        add(new Shape("DB1", 25, 64, 512, 512, "lstm"));
        add(new Shape("DB2", 25, 32, 1024, 1024, "lstm"));
        add(new Shape("DB3", 150, 64, 256, 256, "lstm"));
        add(new Shape("DB4", 50, 16, 1760, 1760, "rnn_tanh"));
    }

    private Shapes() {}

    private static void add(Shape s) {
        NAMED.put(s.name(), s);
    }

    /** Every named shape, in order (A..E, then DB1..DB4). */
    public static Map<String, Shape> named() {
        return java.util.Collections.unmodifiableMap(NAMED);
    }

    /** A named shape or a literal {@code TxNxIxH}. */
    public static Shape parse(String value) {
        if (value == null) throw new IllegalArgumentException("shape: expected a name or TxNxIxH but was null");
        Shape s = NAMED.get(value.trim().toUpperCase(Locale.ROOT));
        if (s != null) return s;
        String[] p = value.trim().split("\\s*[x,]\\s*");
        if (p.length == 4) {
            try {
                int[] v = new int[4];
                for (int i = 0; i < 4; i++) {
                    v[i] = Integer.parseInt(p[i]);
                    if (v[i] < 1) throw new NumberFormatException();
                }
                return new Shape(v[0] + "x" + v[1] + "x" + v[2] + "x" + v[3], v[0], v[1], v[2], v[3], null);
            } catch (NumberFormatException e) {
                // fall through
            }
        }
        throw new IllegalArgumentException("shape: expected one of " + NAMED.keySet()
                + " or TxNxIxH (four positive integers) but was '" + value + "'");
    }
}
