package org.rnn4j.nativebackend;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The OpenBLAS kernel set ("core type") policy, applied once, in this process, before OpenBLAS loads (it reads
 * {@code OPENBLAS_CORETYPE} once, when it loads): the best kernels without the user knowing, but never
 * silently against an explicit choice.
 *
 * <ul>
 *   <li>System property {@value #PROPERTY} unset (the default): an {@code OPENBLAS_CORETYPE} set in the
 *       environment is respected; when it names kernels below what the CPU can run (an AVX2 core on an AVX-512
 *       CPU), {@link #warning()} says so and how to change it ({@code ./rnn4j info}, the backend's details).
 *       When the variable is unset OpenBLAS detects the CPU itself: OpenBLAS 0.3.31 takes AVX-512 CPUs, AMD Zen 4
 *       and Zen 5 included, for SkylakeX or Cooperlake (measured on Zen 5: Cooperlake); should a CPU with
 *       AVX-512 F/BW/DQ/VL still get an AVX2 core, {@link #warning()} reports it.</li>
 *   <li>{@code auto}: OpenBLAS detects the CPU even when the environment sets a core type
 *       ({@code OPENBLAS_CORETYPE} and {@code OPENBLAS_L2_SIZE} are removed from this process's environment).</li>
 *   <li>{@code keep}: the environment as it is, without warnings.</li>
 *   <li>any other value, e.g. {@code SkylakeX}, {@code Haswell}: that core type ({@code OPENBLAS_L2_SIZE}
 *       removed).</li>
 * </ul>
 * The environment is changed through the C library's {@code setenv}/{@code unsetenv} (FFM downcalls), so the
 * OpenBLAS loaded next sees it; Java's {@link System#getenv()} keeps showing the values the JVM started with.
 */
final class OpenblasCoreType {
    /** The system property that overrides the policy: {@code auto}, {@code keep} or a core type name. */
    static final String PROPERTY = "rnn4j.native.coretype";
    static final String VARIABLE = "OPENBLAS_CORETYPE";
    static final String L2 = "OPENBLAS_L2_SIZE";

    /** OpenBLAS core types whose sgemm/dgemm kernels are at most AVX2 wide. */
    private static final Set<String> BELOW_AVX512 = Set.of("haswell", "zen", "sandybridge", "excavator",
            "steamroller", "piledriver", "bulldozer", "nehalem", "prescott", "core2", "penryn", "dunnington",
            "atom", "barcelona", "opteron", "opteron_sse3", "bobcat", "nano", "katmai", "coppermine", "northwood",
            "banias", "athlon");

    private final String property;
    private final String environmentValue;
    private final boolean cpuAvx512;
    private final String action;
    private final String failure;

    private OpenblasCoreType(String property, String environmentValue, boolean cpuAvx512, String action,
                             String failure) {
        this.property = property;
        this.environmentValue = environmentValue;
        this.cpuAvx512 = cpuAvx512;
        this.action = action;
        this.failure = failure;
    }

    /** Applies the policy to this process's environment. Never throws: a failure is reported. */
    static OpenblasCoreType apply() {
        String prop = System.getProperty(PROPERTY);
        prop = prop == null ? null : prop.trim();
        boolean avx512 = cpuHasAvx512();
        String env = null;
        String action = "none";
        String failure = null;
        try {
            env = getenv(VARIABLE);
            if (prop == null || prop.isEmpty() || prop.equalsIgnoreCase("keep")) {
                action = env == null ? "none: OpenBLAS detects the CPU" : "none: " + VARIABLE + "=" + env
                        + " from the environment is respected";
            } else if (prop.equalsIgnoreCase("auto")) {
                unsetenv(VARIABLE);
                unsetenv(L2);
                action = "auto: " + VARIABLE + " and " + L2 + " removed, OpenBLAS detects the CPU";
            } else {
                setenv(VARIABLE, prop);
                unsetenv(L2);
                action = VARIABLE + "=" + prop + " set (" + PROPERTY + "), " + L2 + " removed";
            }
        } catch (Throwable t) {
            failure = t.toString();
        }
        return new OpenblasCoreType(prop, env, avx512, action, failure);
    }

    /** What the policy did, in one line. */
    String action() {
        return failure == null ? action : "could not apply (" + failure + ")";
    }

    /** The value of {@code OPENBLAS_CORETYPE} in the environment before the policy ran, or null. */
    String environmentValue() {
        return environmentValue;
    }

    /**
     * A warning when OpenBLAS runs kernels below what the CPU can do, with how to change it; null otherwise.
     *
     * @param loadedCore the core OpenBLAS reported after loading
     */
    String warning(String loadedCore) {
        if (!cpuAvx512 || loadedCore == null || !BELOW_AVX512.contains(loadedCore.toLowerCase(Locale.ROOT))) {
            return null;
        }
        boolean forcedByEnv = environmentValue != null && (property == null || property.isEmpty());
        if (property != null && property.equalsIgnoreCase("keep")) return null;
        if (forcedByEnv) {
            return "OPENBLAS_CORETYPE=" + environmentValue + " in the environment forces OpenBLAS's " + loadedCore
                    + " kernels (AVX2), below what this AVX-512 CPU runs (about half OpenBLAS's GEMM speed: for NativeGemm"
                    + " and -Drnn4j.native.gemm=openblas; the native backend's own kernels do not use OpenBLAS): unset it,"
                    + " or run with -D" + PROPERTY + "=auto (./rnn4j: RNN4J_JAVA_OPTS=-D" + PROPERTY + "=auto)";
        }
        if (property != null && !property.isEmpty() && !property.equalsIgnoreCase("auto")) {
            return "-D" + PROPERTY + "=" + property + " selects OpenBLAS's " + loadedCore
                    + " kernels (AVX2) on this AVX-512 CPU";
        }
        return "OpenBLAS took this AVX-512 CPU for " + loadedCore + " (AVX2 kernels): run with -D" + PROPERTY
                + "=SkylakeX to use its AVX-512 kernels";
    }

    /** Whether /proc/cpuinfo lists AVX-512 F, BW, DQ and VL (the SkylakeX kernels' needs). */
    static boolean cpuHasAvx512() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("flags")) {
                    Set<String> flags = new HashSet<>(List.of(line.substring(line.indexOf(':') + 1).trim().split("\\s+")));
                    return flags.containsAll(List.of("avx512f", "avx512bw", "avx512dq", "avx512vl"));
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or unreadable: no claim
        }
        return false;
    }

    // ------------------------------------------------------------------------------ the C environment

    private static final class Libc {
        static final Linker LINKER = Linker.nativeLinker();
        static final MethodHandle GETENV = handle("getenv", FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS));
        static final MethodHandle SETENV = handle("setenv",
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
        static final MethodHandle UNSETENV = handle("unsetenv", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));

        private static MethodHandle handle(String name, FunctionDescriptor d) {
            MemorySegment f = LINKER.defaultLookup().find(name)
                    .orElseThrow(() -> new UnsupportedOperationException("libc has no " + name));
            return LINKER.downcallHandle(f, d);
        }
    }

    /** The C library's view of a variable (what OpenBLAS will read), or null. */
    static String getenv(String name) throws Throwable {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = (MemorySegment) Libc.GETENV.invokeExact(a.allocateFrom(name));
            return p.equals(MemorySegment.NULL) ? null : p.reinterpret(Long.MAX_VALUE).getString(0);
        }
    }

    private static void setenv(String name, String value) throws Throwable {
        try (Arena a = Arena.ofConfined()) {
            int rc = (int) Libc.SETENV.invokeExact(a.allocateFrom(name), a.allocateFrom(value), 1);
            if (rc != 0) throw new IllegalStateException("setenv(" + name + ") failed");
        }
    }

    private static void unsetenv(String name) throws Throwable {
        try (Arena a = Arena.ofConfined()) {
            int rc = (int) Libc.UNSETENV.invokeExact(a.allocateFrom(name));
            if (rc != 0) throw new IllegalStateException("unsetenv(" + name + ") failed");
        }
    }
}
