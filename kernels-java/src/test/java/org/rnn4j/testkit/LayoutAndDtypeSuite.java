package org.rnn4j.testkit;

import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.rnn4j.DType;
import org.rnn4j.Layout;
import org.rnn4j.Rnn;

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

    @TestFactory
    Stream<DynamicTest> batchFirstEqualsTimeMajorOnTransposedData() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Kit.Case c : Kit.edgeCases()) {
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
        List<Kit.Case> all = new ArrayList<>(Kit.edgeCases());
        // plus random small configurations
        all.addAll(Kit.randomCases(2024, 24, 5, 4, 5, 2, 500));
        for (Kit.Case c : all) {
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
