package org.rnn4j.vector;

import java.lang.management.ManagementFactory;
import java.util.List;
import org.rnn4j.BackendOptions;
import org.rnn4j.spi.BackendProvider;
import org.rnn4j.spi.RnnBackend;

/**
 * Registers the {@code vector} backend. Its probe says exactly what is missing: the incubator module
 * ({@code --add-modules jdk.incubator.vector}), the C2 compiler (without it every vector operation is boxed and
 * runs 10-100x slower: {@code -Xint}, {@code -XX:TieredStopAtLevel=1..3}, {@code -XX:-UseCompiler} switch it
 * off), or a vector width of at least 128 bits. The probe touches no Vector API class until the module is known
 * to be readable.
 */
public final class VectorProvider implements BackendProvider {
    @Override
    public String name() {
        return "vector";
    }

    @Override
    public String unavailableReason() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return "the Vector API module is not in this JVM: start it with --add-modules jdk.incubator.vector";
        }
        String c2 = c2Problem(ManagementFactory.getRuntimeMXBean().getInputArguments());
        if (c2 != null) return c2;
        return VectorSupportProbe.problem();
    }

    /** Why the JVM flags {@code args} leave the vector kernels without C2, or null. */
    static String c2Problem(List<String> args) {
        for (String a : args) {
            if (a.equals("-Xint")) return "the JVM runs interpreted (-Xint): the Vector API needs the C2 compiler";
            if (a.equals("-XX:-UseCompiler")) return "the JIT is off (-XX:-UseCompiler): the Vector API needs C2";
            if (a.startsWith("-XX:TieredStopAtLevel=") && !a.endsWith("=4")) {
                return "C2 is off (" + a + "): without it the Vector API boxes every vector and runs 10-100x slower; "
                        + "remove the flag";
            }
        }
        if (System.getProperty("java.vm.name", "").contains("Client")) {
            return "a client VM has no C2 compiler: use a server VM";
        }
        return null;
    }

    @Override
    public String details() {
        return Species.describe() + "; float32 tanh/sigmoid: rational approximation (abs error < 3e-7), float64: "
                + "exp/tanh from IEEE basic operations (abs error < 1e-15, the same bits in every JIT tier); threads: " + org.rnn4j.spi.Cpu.physicalCores() + " by default (physical cores)";
    }

    @Override
    public RnnBackend create(BackendOptions options) {
        return new VectorBackend(options);
    }
}
