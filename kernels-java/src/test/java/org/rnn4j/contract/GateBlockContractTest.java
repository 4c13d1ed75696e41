package org.rnn4j.contract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.rnn4j.Activation;
import org.rnn4j.Cell;
import org.rnn4j.DType;
import org.rnn4j.GruVariant;
import org.rnn4j.Layout;
import org.rnn4j.ParamId;
import org.rnn4j.ParamKind;
import org.rnn4j.RnnConfig;
import org.rnn4j.RnnParameters;
import org.rnn4j.testkit.Kit;

/**
 * Contract (s) of docs/contract.md. {@link RnnParameters#gateBlock}: for every parameter of a spread of configurations, block g is exactly the
 * rows of gate g in PyTorch's layout (weights and biases: rows g·H .. g·H+H-1 of the [G·H, ...] tensor;
 * peepholes: row g of [3, H]), as a view of the caller's memory (same address, writes land in place); a gate
 * out of range or an unset parameter is rejected naming the argument.
 */
class GateBlockContractTest {

    static List<RnnConfig> configs() {
        return List.of(
                Kit.config(Cell.lstm(), 3, 4, 2, true, DType.F32, Layout.TIME_MAJOR),
                Kit.config(Cell.lstmWithPeepholes(), 2, 5, 2, false, DType.F64, Layout.BATCH_FIRST),
                Kit.config(Cell.gru(GruVariant.LINEAR_BEFORE_RESET), 4, 3, 1, true, DType.F64, Layout.TIME_MAJOR),
                Kit.config(Cell.gru(GruVariant.RESET_BEFORE), 1, 2, 3, false, DType.F32, Layout.TIME_MAJOR),
                Kit.config(Cell.rnn(Activation.TANH), 5, 3, 2, true, DType.F32, Layout.TIME_MAJOR));
    }

    /** Element e of every parameter holds 1000·(index of the parameter) + e: every element is distinguishable. */
    static RnnParameters numbered(RnnConfig cfg, Arena arena) {
        RnnParameters p = RnnParameters.allocate(cfg, arena);
        List<ParamId> ids = cfg.parameterIds();
        for (int i = 0; i < ids.size(); i++) {
            double[] v = new double[(int) cfg.parameterSize(ids.get(i))];
            for (int e = 0; e < v.length; e++) v[e] = 1000.0 * i + e;
            MemorySegment.copy(Kit.seg(v, cfg.dtype()), 0, p.get(ids.get(i)), 0, p.get(ids.get(i)).byteSize());
        }
        return p;
    }

    @TestFactory
    Stream<DynamicTest> everyBlockIsExactlyTheRowsOfItsGate() {
        List<DynamicTest> tests = new ArrayList<>();
        for (RnnConfig cfg : configs()) {
            tests.add(dynamicTest(cfg.toString(), () -> {
                try (Arena arena = Arena.ofConfined()) {
                    RnnParameters p = numbered(cfg, arena);
                    DType dt = cfg.dtype();
                    int H = cfg.hiddenSize();
                    for (ParamId id : cfg.parameterIds()) {
                        int[] shape = id.shape(cfg);
                        int blocks = p.gateBlocks(id);
                        boolean peep = id.kind() == ParamKind.WEIGHT_PEEPHOLE;
                        assertEquals(peep ? 3 : cfg.gates(), blocks, id.name());
                        int rowsPerBlock = peep ? 1 : H;
                        assertEquals(shape[0], blocks * rowsPerBlock, id.name() + ": the blocks cover every row");
                        int rowWidth = shape.length == 1 ? 1 : shape[1];
                        double[] all = Kit.read(p.get(id), dt);
                        for (int g = 0; g < blocks; g++) {
                            MemorySegment view = p.gateBlock(id, g);
                            long from = (long) g * rowsPerBlock * rowWidth, len = (long) rowsPerBlock * rowWidth;
                            String what = id.name() + " gate " + g;
                            assertEquals(len * dt.bytes(), view.byteSize(), what + ": size");
                            assertEquals(p.get(id).address() + from * dt.bytes(), view.address(), what + ": address");
                            double[] manual = java.util.Arrays.copyOfRange(all, (int) from, (int) (from + len));
                            assertArrayEquals(manual, Kit.read(view, dt), 0, what + ": contents");
                        }
                    }
                }
            }));
        }
        return tests.stream();
    }

    /** A write through a gate block lands in that gate's rows and nowhere else (how backends store gradients). */
    @Test
    void writesThroughABlockLandInPlace() {
        RnnConfig cfg = configs().get(0);
        try (Arena arena = Arena.ofConfined()) {
            RnnParameters p = numbered(cfg, arena);
            ParamId id = new ParamId(ParamKind.WEIGHT_HH, 1, true);
            double[] before = Kit.read(p.get(id), cfg.dtype());
            MemorySegment block = p.gateBlock(id, 2); // LSTM gate g
            block.fill((byte) 0);
            double[] after = Kit.read(p.get(id), cfg.dtype());
            int H = cfg.hiddenSize(), per = H * H;
            for (int e = 0; e < after.length; e++) {
                boolean inBlock = e >= 2 * per && e < 3 * per;
                assertEquals(inBlock ? 0 : before[e], after[e], 0, "element " + e);
            }
        }
    }

    @Test
    void gateOutOfRangeOrUnsetParameterIsRejected() {
        for (RnnConfig cfg : configs()) {
            try (Arena arena = Arena.ofConfined()) {
                RnnParameters p = numbered(cfg, arena);
                for (ParamId id : cfg.parameterIds()) {
                    int blocks = p.gateBlocks(id);
                    for (int bad : new int[] {-1, blocks, blocks + 7, Integer.MIN_VALUE}) {
                        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                                () -> p.gateBlock(id, bad));
                        assertEquals("gate: expected a value in 0.." + (blocks - 1) + " but was " + bad,
                                e.getMessage());
                    }
                }
                RnnParameters empty = RnnParameters.of(cfg);
                ParamId first = cfg.parameterIds().get(0);
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> empty.gateBlock(first, 0));
                assertEquals(first.name() + ": expected a set parameter but it was not set", e.getMessage());
            }
        }
    }
}
