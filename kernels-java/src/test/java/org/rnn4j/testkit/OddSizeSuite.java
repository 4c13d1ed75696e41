package org.rnn4j.testkit;

import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.rnn4j.Cell;
import org.rnn4j.DType;
import org.rnn4j.Layout;
import org.rnn4j.Rnn;
import org.rnn4j.RnnConfig;

/**
 * Contract (q), with (a) and (d), of docs/contract.md on odd sizes, so that every SIMD tail and blocking edge
 * of a fast backend is hit: input size I, hidden size H and batch N each take the values {@link #SIZES}
 * (1, 3, 7, 8, 9, 17, 31, 33, 65), one at a time around a base shape, plus a handful of mixed shapes with
 * several layers, both directions and lengths; every cell, forward and backward, float32 and float64.
 * <ul>
 *   <li>A backend other than the oracle must give the reference's numbers within its tolerance (conformance
 *       metric; training forward, backward and inference forward), and batch-first must equal time-major on
 *       transposed data bit for bit.</li>
 *   <li>The oracle checks its own invariants: float32 equals float64 within 1e-5 relative per element on
 *       float-representable data, and batch-first equals time-major bit for bit.</li>
 * </ul>
 */
public abstract class OddSizeSuite extends BackendSuite {
    /** The sizes every one of I, H and N takes: around the 4-, 8- and 16-lane widths and their tails. */
    public static final int[] SIZES = {1, 3, 7, 8, 9, 17, 31, 33, 65};

    protected OddSizeSuite(BackendUnderTest backend) {
        super(backend);
    }

    /** One shape of the sweep: T, N, I, H, layers, bidirectional, lengths (null: all T). */
    record Shape(int T, int N, int I, int H, int layers, boolean bidir, int[] lengths) {
        @Override
        public String toString() {
            return "T=" + T + " N=" + N + " I=" + I + " H=" + H + (layers > 1 ? " L=" + layers : "")
                    + (bidir ? " bidirectional" : "") + (lengths != null ? " varlen" : "");
        }
    }

    static final int BASE_T = 3, BASE_N = 3, BASE_I = 8, BASE_H = 8;

    /** I, H and N swept one at a time around (T=3, N=3, I=8, H=8), then the mixed shapes. */
    static List<Shape> shapes() {
        Set<String> seen = new LinkedHashSet<>();
        List<Shape> out = new ArrayList<>();
        for (int v : SIZES) {
            for (Shape s : List.of(new Shape(BASE_T, BASE_N, v, BASE_H, 1, false, null),
                    new Shape(BASE_T, BASE_N, BASE_I, v, 1, false, null),
                    new Shape(BASE_T, v, BASE_I, BASE_H, 1, false, null))) {
                if (seen.add(s.toString())) out.add(s);
            }
        }
        out.add(new Shape(2, 65, 65, 65, 1, false, null));
        out.add(new Shape(3, 17, 33, 31, 2, true, lengths(17, 3)));
        out.add(new Shape(4, 9, 1, 65, 1, true, lengths(9, 4)));
        out.add(new Shape(2, 33, 31, 7, 2, false, null));
        out.add(new Shape(5, 7, 17, 33, 1, true, lengths(7, 5)));
        out.add(new Shape(1, 65, 9, 17, 1, false, null));
        return out;
    }

    /** Unsorted lengths in 1..T that include 1 and T. */
    static int[] lengths(int n, int T) {
        int[] l = new int[n];
        for (int i = 0; i < n; i++) l[i] = 1 + (i * 5 + 2) % T;
        l[0] = T;
        l[n - 1] = 1;
        return l;
    }

    @TestFactory
    Stream<DynamicTest> oddSizes() {
        List<DynamicTest> tests = new ArrayList<>();
        long seed = 3000;
        for (Shape s : shapes()) {
            for (Cell cell : Cell.all()) {
                for (DType dt : DType.values()) {
                    long sd = seed++;
                    tests.add(dynamicTest(cell.id() + " " + s + " " + dt, () -> check(cell, s, dt, sd)));
                }
            }
        }
        return tests.stream();
    }

    private void check(Cell cell, Shape s, DType dt, long seed) {
        RnnConfig cfg = Kit.config(cell, s.I(), s.H(), s.layers(), s.bidir(), DType.F64, Layout.TIME_MAJOR);
        String what = cell.id() + " " + s;
        Kit.Net net = Kit.Net.random(cfg, seed);
        Kit.Problem p = Kit.Problem.random(cfg, s.T(), s.N(), s.lengths(), seed + 1);
        if (!backend.oracle()) Kit.assertMatchesReference(what, backend, net, p, dt, Layout.TIME_MAJOR);
        // (a) on the backend under test: batch-first = time-major on transposed data, bit for bit
        Kit.Net n = dt == DType.F32 ? net.roundedToFloat() : net;
        Kit.Problem q = dt == DType.F32 ? p.roundedToFloat() : p;
        Kit.Result tm, bf;
        try (Rnn a = n.as(dt, Layout.TIME_MAJOR).rnn(backend); Rnn b = n.as(dt, Layout.BATCH_FIRST).rnn(backend)) {
            tm = Kit.run(a, q);
            bf = Kit.run(b, q);
        }
        Kit.assertIdentical(what + " " + dt + " batch-first vs time-major", tm, bf);
        if (backend.oracle() && dt == DType.F32) {
            // (d) for the oracle: its float32 results are its float64 results rounded once
            Kit.Result r64;
            try (Rnn a = n.as(DType.F64, Layout.TIME_MAJOR).rnn(backend)) {
                r64 = Kit.run(a, q);
            }
            Kit.assertClose(what + " float32 vs float64", r64, tm, 1e-5, 1e-30);
        }
    }
}
