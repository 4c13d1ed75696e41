package org.rnn4j.spi;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/** Facts about the CPU that backends size their defaults by. */
public final class Cpu {
    private Cpu() {}

    private static final int PHYSICAL_CORES = countPhysicalCores();

    /**
     * Physical cores available to this JVM: distinct (package, core) pairs of the CPUs Linux lists, capped by
     * {@link Runtime#availableProcessors()} (a container's CPU limit); that count alone elsewhere. Hyper-threads
     * share one core's FMA units, so the parallel backends default to this, not to logical CPUs.
     */
    public static int physicalCores() {
        return PHYSICAL_CORES;
    }

    private static int countPhysicalCores() {
        int logical = Runtime.getRuntime().availableProcessors();
        Path cpus = Path.of("/sys/devices/system/cpu");
        if (!Files.isDirectory(cpus)) return logical;
        Set<String> cores = new HashSet<>();
        try (var list = Files.list(cpus)) {
            for (Path p : (Iterable<Path>) list::iterator) {
                String n = p.getFileName().toString();
                if (!n.matches("cpu[0-9]+")) continue;
                Path topo = p.resolve("topology");
                if (!Files.isRegularFile(topo.resolve("core_id"))) continue;
                String online = Files.isRegularFile(p.resolve("online")) ? Files.readString(p.resolve("online")).trim() : "1";
                if (!online.equals("1")) continue;
                cores.add(Files.readString(topo.resolve("physical_package_id")).trim() + ":"
                        + Files.readString(topo.resolve("core_id")).trim());
            }
        } catch (IOException | RuntimeException e) {
            return logical;
        }
        if (cores.isEmpty()) return logical;
        return Math.max(1, Math.min(cores.size(), logical));
    }
}
