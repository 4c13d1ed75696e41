package org.rnn4j.tool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The CPU model and the SIMD flags that matter to the kernels, from {@code /proc/cpuinfo} (Linux). */
record CpuInfo(String model, Set<String> flags, String problem) {
    /** The flags {@code info} reports, in this order; {@code amx_*} flags are added as found. */
    static final List<String> SIMD_FLAGS = List.of("sse4_2", "avx", "avx2", "fma", "avx512f", "avx512dq",
            "avx512bw", "avx512vl", "avx512_vnni", "avx512_bf16", "avx512_fp16");

    static CpuInfo read() {
        return read(Path.of("/proc/cpuinfo"));
    }

    static CpuInfo read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException | RuntimeException e) {
            return new CpuInfo("unknown", Set.of(), file + " not readable (" + e.getMessage() + ")");
        }
        String model = null;
        Set<String> flags = new LinkedHashSet<>();
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon < 0) continue;
            String key = line.substring(0, colon).trim();
            String value = line.substring(colon + 1).trim();
            if (model == null && key.equals("model name")) model = value;
            if (flags.isEmpty() && key.equals("flags")) {
                for (String f : value.split("\\s+")) if (!f.isEmpty()) flags.add(f);
            }
        }
        return new CpuInfo(model != null ? model : "unknown", flags, null);
    }

    /**
     * The CPU model as a benchmark must record it: the model name with the family, model and stepping numbers of
     * {@code /proc/cpuinfo} ("AMD EPYC (family 26, model 2, stepping 1)"). Virtual machines often report a bare model
     * name ("AMD EPYC" for both Zen 3 and Zen 5); the numbers tell them apart.
     */
    static String identity() {
        return identity(Path.of("/proc/cpuinfo"));
    }

    static String identity(Path file) {
        CpuInfo cpu = read(file);
        String family = null, model = null, stepping = null;
        try {
            for (String line : Files.readAllLines(file)) {
                int colon = line.indexOf(':');
                if (colon < 0) continue;
                String key = line.substring(0, colon).trim(), value = line.substring(colon + 1).trim();
                if (family == null && key.equals("cpu family")) family = value;
                if (model == null && key.equals("model")) model = value;
                if (stepping == null && key.equals("stepping")) stepping = value;
            }
        } catch (IOException | RuntimeException e) {
            return cpu.model();
        }
        if (family == null && model == null) return cpu.model();
        return cpu.model() + " (family " + family + ", model " + model + (stepping != null ? ", stepping " + stepping : "")
                + ")";
    }

    /** The reported flags that are present (amx_* included). */
    List<String> present() {
        List<String> out = new ArrayList<>();
        for (String f : SIMD_FLAGS) if (flags.contains(f)) out.add(f);
        for (String f : flags) if (f.startsWith("amx_")) out.add(f);
        return out;
    }

    /** The reported flags that are absent ({@code amx_*} when no AMX flag at all). */
    List<String> absent() {
        List<String> out = new ArrayList<>();
        for (String f : SIMD_FLAGS) if (!flags.contains(f)) out.add(f);
        if (flags.stream().noneMatch(f -> f.startsWith("amx_"))) out.add("amx_*");
        return out;
    }
}
