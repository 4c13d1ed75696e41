package org.rnn4j.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

/** A shape that cannot fit is refused with the shape and both numbers, before anything is allocated. */
@ResourceLock("BenchCommand.ALLOCATED_BYTES")
class MemoryRefusalTest {

    @Test
    void theShapeOfIssue11IsRefusedWithoutAllocating() {
        long before = BenchCommand.ALLOCATED_BYTES.get();
        ToolRun run = ToolRun.of("bench", "--backend", "reference", "--cell", "lstm", "--mode", "fwd",
                "--shape", "2147483647,2,4,4");
        assertEquals(1, run.exitCode(), run.toString());
        assertEquals(before, BenchCommand.ALLOCATED_BYTES.get(), "nothing allocated");
        String err = run.err().strip();
        assertEquals(1, err.lines().count(), "one line, no stack trace:\n" + err);
        assertTrue(err.startsWith("bench: error: bench lstm fwd f32 shape T,N,I,H=2147483647,2,4,4 threads=1 needs at "
                + "least 128.0 GiB of memory (weights 640 B, input 64.0 GiB, output 64.0 GiB"), err);
        assertTrue(err.contains(" are available ("), err);
        assertFalse(err.contains("OutOfMemoryError") || err.contains("\tat "), err);
        assertFalse(run.out().contains("bench: backend="), run.out());
    }

    @Test
    void theWorkspaceCountsToo() {
        // Room for the tool's tensors but not for them plus the workspace: refused after asking the backend.
        String old = System.getProperty(BenchCommand.AVAILABLE_MEMORY_PROPERTY);
        try {
            // fwdbwd lstm T=3 N=2 I=4 H=5, f64: 880 + 24·8·... bytes of tensors; allow exactly those.
            BenchSpec probe = new BenchSpec(org.rnn4j.Cell.lstm(), BenchCommand.BenchMode.fwdbwd,
                    new Converters.Shape(3, 2, 4, 5), org.rnn4j.DType.F64, 1, 1, null);
            long tool = BenchCommand.toolMemory(org.rnn4j.RnnConfig.builder(org.rnn4j.Cell.lstm(), 4, 5)
                    .dtype(org.rnn4j.DType.F64).build(), probe).total();
            System.setProperty(BenchCommand.AVAILABLE_MEMORY_PROPERTY, Long.toString(tool));
            ToolRun run = ToolRun.of("bench", "--backend", "reference", "--cell", "lstm", "--mode", "fwdbwd",
                    "--dtype", "f64", "--shape", "3,2,4,5", "--warmup-time", "0", "--warmup-max", "0");
            assertEquals(1, run.exitCode(), run.toString());
            String err = run.err().strip();
            assertEquals(1, err.lines().count(), err);
            assertTrue(err.contains("shape T,N,I,H=3,2,4,5") && err.contains("workspace ")
                    && err.contains("set by -D" + BenchCommand.AVAILABLE_MEMORY_PROPERTY), err);
            assertFalse(err.contains("at least"), "the workspace is known by then: " + err);
        } finally {
            if (old == null) System.clearProperty(BenchCommand.AVAILABLE_MEMORY_PROPERTY);
            else System.setProperty(BenchCommand.AVAILABLE_MEMORY_PROPERTY, old);
        }
    }

    @Test
    void sizesTooLargeForThePlanAreOneLineErrors() {
        ToolRun run = ToolRun.of("bench", "--backend", "reference", "--cell", "gru", "--mode", "fwdbwd",
                "--shape", "2147483647,2147483647,4096,4096");
        assertEquals(1, run.exitCode(), run.toString());
        String err = run.err().strip();
        assertEquals(1, err.lines().count(), err);
        assertTrue(err.startsWith("bench: error: gru fwdbwd f32 shape T,N,I,H=2147483647,2147483647,4096,4096"), err);
        assertTrue(err.contains("seqLength*batch: expected at most"), err);
    }

    @Test
    void onnxRuntimeTensorsCountAgainstDirectMemory() {
        // Input and output of rnn_tanh with N = 1, I = H = 4 take 32 bytes per step: choose T so that they exceed
        // the direct buffer limit (by default the heap maximum) by 1 GiB while the machine has room for them.
        long direct = MemoryBudget.directAvailable().bytes();
        long need = direct + (1L << 30);
        long t = need / 32 + 1;
        org.junit.jupiter.api.Assumptions.assumeTrue(t <= Integer.MAX_VALUE, "direct limit too large: " + direct);
        org.junit.jupiter.api.Assumptions.assumeTrue(MemoryBudget.available().bytes() > need + (1L << 30),
                "not enough memory on this machine for the first check to pass");
        long before = BenchCommand.ALLOCATED_BYTES.get();
        ToolRun run = ToolRun.of("peer", "onnxruntime", "--cell", "rnn_tanh", "--mode", "fwd",
                "--shape", t + ",1,4,4");
        assertEquals(1, run.exitCode(), run.toString());
        String err = run.err().strip();
        assertEquals(1, err.lines().count(), err);
        assertTrue(err.contains("direct buffer memory") && err.contains("-XX:MaxDirectMemorySize"), err);
        assertEquals(before, BenchCommand.ALLOCATED_BYTES.get());
    }

    @Test
    void humanSizes() {
        assertEquals(512L << 20, MemoryBudget.parseSize("512m"));
        assertEquals(4L << 30, MemoryBudget.parseSize("4G"));
        assertEquals(1000, MemoryBudget.parseSize("1000"));
        assertEquals(-1, MemoryBudget.parseSize("lots"));
        assertEquals("512 B", MemoryBudget.human(512));
        assertEquals("1.5 KiB", MemoryBudget.human(1536));
        assertEquals("64.0 GiB", MemoryBudget.human(64L << 30));
        assertEquals(Long.MAX_VALUE, MemoryBudget.saturatingMultiply(Long.MAX_VALUE / 2, 3));
    }
}
