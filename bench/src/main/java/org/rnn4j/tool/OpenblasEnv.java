package org.rnn4j.tool;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The OpenBLAS environment of a peer process: which kernels ({@code OPENBLAS_CORETYPE}) and how many threads.
 *
 * <p>OpenBLAS reads {@code OPENBLAS_CORETYPE} once, when it is loaded, so a peer that needs another value runs in a
 * child process. Its own detection falls short on new CPUs: Debian's OpenBLAS 0.3.21 takes AMD Zen 5 for Haswell
 * (AVX2) and the Intel Xeon of family 6 model 207 for Prescott (SSE3), JavaCPP's 0.3.31 takes Zen 5 for Haswell;
 * on those CPUs {@code OPENBLAS_CORETYPE=SkylakeX} selects its AVX-512 kernels, which are 1.5–3.5× faster there.
 * Some machines also set {@code OPENBLAS_CORETYPE} and {@code OPENBLAS_L2_SIZE} in the environment (older OpenBLAS
 * builds crash on some CPUs otherwise); a benchmark peer must not inherit them.
 *
 * <p>Choices ({@code --openblas-coretype}): {@code auto} (the default) sets {@code SkylakeX} on CPUs with the
 * AVX-512 subsets its kernels use (F, DQ, BW, VL), and otherwise removes the variable so that OpenBLAS detects the
 * CPU itself; {@code env} leaves the environment as it is; any other value is set as given. Every choice but
 * {@code env} removes {@code OPENBLAS_L2_SIZE}.
 */
final class OpenblasEnv {
    static final String AUTO = "auto";
    static final String KEEP = "env";
    static final String AVX512_CORE = "SkylakeX";

    private OpenblasEnv() {}

    /** Whether the CPU has the AVX-512 subsets OpenBLAS's SkylakeX kernels need. */
    static boolean hasAvx512(CpuInfo cpu) {
        return cpu.flags().containsAll(java.util.List.of("avx512f", "avx512dq", "avx512bw", "avx512vl"));
    }

    /**
     * Changes to make to a child's environment for {@code choice} on {@code cpu}: name to value, or to null for
     * "remove". Thread variables ({@code OPENBLAS_NUM_THREADS}, {@code OMP_NUM_THREADS}) are set to {@code threads}.
     */
    static Map<String, String> changes(String choice, CpuInfo cpu, int threads) {
        Map<String, String> env = new LinkedHashMap<>();
        if (!KEEP.equals(choice)) {
            String core = AUTO.equals(choice) ? (hasAvx512(cpu) ? AVX512_CORE : null) : choice;
            env.put("OPENBLAS_CORETYPE", core);
            env.put("OPENBLAS_L2_SIZE", null);
        }
        env.put("OPENBLAS_NUM_THREADS", Integer.toString(threads));
        env.put("OMP_NUM_THREADS", Integer.toString(threads));
        return env;
    }

    /** Why the choice was made, for the output. */
    static String reason(String choice, CpuInfo cpu) {
        if (KEEP.equals(choice)) return "OPENBLAS_CORETYPE as in the environment (--openblas-coretype env)";
        if (!AUTO.equals(choice)) return "OPENBLAS_CORETYPE=" + choice + " (--openblas-coretype)";
        return hasAvx512(cpu)
                ? "OPENBLAS_CORETYPE=" + AVX512_CORE + ": the CPU has AVX-512 (F, DQ, BW, VL), which OpenBLAS's own "
                        + "detection misses on AMD Zen 5 and recent Xeons"
                : "OPENBLAS_CORETYPE unset: no AVX-512, OpenBLAS detects the CPU itself";
    }

    /** Applies {@code changes} to a child's environment. */
    static void apply(Map<String, String> changes, Map<String, String> environment) {
        changes.forEach((k, v) -> {
            if (v == null) environment.remove(k);
            else environment.put(k, v);
        });
    }

    /** "OPENBLAS_CORETYPE=SkylakeX OPENBLAS_L2_SIZE=(removed) ...". */
    static String describe(Map<String, String> changes) {
        StringBuilder sb = new StringBuilder();
        changes.forEach((k, v) -> sb.append(sb.isEmpty() ? "" : " ").append(k).append('=')
                .append(v == null ? "(unset)" : v));
        return sb.toString();
    }
}
