package org.rnn4j.testkit;

import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.rnn4j.Cell;
import org.rnn4j.DType;
import org.rnn4j.Layout;
import org.rnn4j.Rnn;
import org.rnn4j.RnnConfig;

/**
 * (a) BATCH_FIRST gives the same numbers as TIME_MAJOR on transposed data, forward and every gradient;
 * (d) float32 results equal float64 results within 1e-5 relative on the same (float-representable) data.
 * Every cell, one and two layers, uni- and bidirectional, with and without lengths, and the edge shapes
 * T = N = I = H = 1 and sizes 17, 31, 33.
 */
public abstract class LayoutAndDtypeSuite extends BackendSuite {

    protected LayoutAndDtypeSuite(BackendUnderTest backend) {
        super(backend);
    }

    record Case(String name, RnnConfig cfg, int T, int N, int[] lengths, long seed) {}

    static List<Case> cases() {
        List<Case> out = new ArrayList<>();
        long seed = 1;
        for (Cell cell : Cell.all()) {
            for (int[] s : Kit.SHAPES) {
                out.add(new Case(cell.id() + " 1x1 " + Kit.shape(s),
                        Kit.config(cell, s[2], s[3], 1, false, DType.F64, Layout.TIME_MAJOR), s[0], s[1], null, seed++));
            }
            out.add(new Case(cell.id() + " 2 layers bidirectional varlen",
                    Kit.config(cell, 3, 4, 2, true, DType.F64, Layout.TIME_MAJOR), 5, 4, new int[] {3, 5, 1, 4},
                    seed++));
            out.add(new Case(cell.id() + " 3 layers bidirectional edge",
                    Kit.config(cell, 1, 1, 3, true, DType.F64, Layout.TIME_MAJOR), 1, 1, null, seed++));
            out.add(new Case(cell.id() + " 2 layers varlen 17",
                    Kit.config(cell, 17, 5, 2, false, DType.F64, Layout.TIME_MAJOR), 6, 3, new int[] {6, 2, 4},
                    seed++));
        }
        return out;
    }

    @TestFactory
    Stream<DynamicTest> batchFirstEqualsTimeMajorOnTransposedData() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Case c : cases()) {
            for (DType dt : DType.values()) {
                tests.add(dynamicTest(c.name() + " " + dt, () -> {
                    Kit.Net net = Kit.Net.random(c.cfg(), c.seed()).as(dt, Layout.TIME_MAJOR);
                    Kit.Problem p = Kit.Problem.random(c.cfg(), c.T(), c.N(), c.lengths(), c.seed() + 1000);
                    Kit.Result tm, bf;
                    try (Rnn a = net.rnn(backend); Rnn b = net.as(dt, Layout.BATCH_FIRST).rnn(backend)) {
                        tm = Kit.run(a, p);
                        bf = Kit.run(b, p);
                    }
                    Kit.assertIdentical("batch-first vs time-major", tm, bf);
                }));
            }
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> float32MatchesFloat64() {
        List<DynamicTest> tests = new ArrayList<>();
        List<Case> all = new ArrayList<>(cases());
        // plus random small configurations
        Random r = new Random(2024);
        for (int i = 0; i < 24; i++) {
            Cell cell = Cell.all().get(i % 6);
            int T = 1 + r.nextInt(5), N = 1 + r.nextInt(4);
            int[] lengths = null;
            if (r.nextBoolean()) {
                lengths = new int[N];
                for (int n = 0; n < N; n++) lengths[n] = 1 + r.nextInt(T);
            }
            RnnConfig cfg = Kit.config(cell, 1 + r.nextInt(5), 1 + r.nextInt(5), 1 + r.nextInt(2), r.nextBoolean(),
                    DType.F64, r.nextBoolean() ? Layout.TIME_MAJOR : Layout.BATCH_FIRST);
            all.add(new Case("random #" + i + " " + cfg + " T=" + T + " N=" + N, cfg, T, N, lengths, 500 + i));
        }
        for (Case c : all) {
            tests.add(dynamicTest(c.name(), () -> {
                Kit.Net net = Kit.Net.random(c.cfg(), c.seed()).roundedToFloat();
                Kit.Problem p = Kit.Problem.random(c.cfg(), c.T(), c.N(), c.lengths(), c.seed() + 1000)
                        .roundedToFloat();
                Kit.Result r64, r32;
                // the oracle is compared with itself; every other backend with the oracle's float64 results
                BackendUnderTest f64 = backend.oracle() ? backend : BackendUnderTest.REFERENCE;
                try (Rnn a = net.as(DType.F64, c.cfg().layout()).rnn(f64);
                     Rnn b = net.as(DType.F32, c.cfg().layout()).rnn(backend)) {
                    r64 = Kit.run(a, p);
                    r32 = Kit.run(b, p);
                }
                if (backend.oracle()) Kit.assertClose("float32 vs float64", r64, r32, 1e-5, 1e-30);
                else Kit.assertWithin("float32 vs the reference's float64", r64, r32, backend.f32Tolerance());
            }));
        }
        return tests.stream();
    }
}
