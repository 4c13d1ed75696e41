package org.rnn4j.tool;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a run will allocate, checked against what the machine has before anything is allocated.
 *
 * <p>The tool allocates its tensors, weights, gradients and workspaces off the Java heap, in {@code Arena}s. On
 * JDK 25 arena memory is not counted against {@code -XX:MaxDirectMemorySize} (only NIO direct buffers are), so the
 * limit is the machine's: {@code MemAvailable} from {@code /proc/meminfo}, and a cgroup memory limit when there is
 * one (the smaller wins). A run whose parts add up to more is refused with the shape, the parts and both numbers;
 * nothing is allocated. What a backend allocates for itself beyond its workspace (a prepared copy of the weights;
 * the reference backend's float64 copies and activations on the Java heap) is not known in advance: a Java heap
 * that runs out during the run is reported as a one-line error by the tool.
 */
final class MemoryBudget {
    /** One part of the requirement. */
    record Part(String what, long bytes) {}

    /** What is available and where that number came from. */
    record Available(long bytes, String source) {}

    private final List<Part> parts = new ArrayList<>();

    MemoryBudget add(String what, long elements, int elementBytes) {
        return addBytes(what, saturatingMultiply(elements, elementBytes));
    }

    MemoryBudget addBytes(String what, long bytes) {
        if (bytes > 0) parts.add(new Part(what, bytes));
        return this;
    }

    List<Part> parts() {
        return List.copyOf(parts);
    }

    long total() {
        long t = 0;
        for (Part p : parts) t = saturatingAdd(t, p.bytes());
        return t;
    }

    /**
     * Throws {@link ToolException} when the parts need more than {@code available}: "{@code subject} needs X (parts)
     * but only Y are available (source)". {@code incomplete} adds that more is still to come (the backend's
     * workspace, asked only once the weights exist).
     */
    void require(String subject, Available available, String incomplete) {
        long need = total();
        if (need <= available.bytes()) return;
        StringBuilder sb = new StringBuilder(subject).append(" needs ").append(incomplete != null ? "at least " : "")
                .append(human(need)).append(" of memory (");
        for (int i = 0; i < parts.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(parts.get(i).what()).append(' ').append(human(parts.get(i).bytes()));
        }
        if (incomplete != null) sb.append(", plus ").append(incomplete);
        sb.append(") but ").append(human(available.bytes())).append(" are available (").append(available.source())
                .append("); nothing was allocated: choose a smaller shape");
        throw new ToolException(sb.toString());
    }

    /** The memory this process may still allocate off the heap: MemAvailable, capped by a cgroup limit. */
    static Available available() {
        long best = Long.MAX_VALUE;
        String source = null;
        long memAvailable = meminfo("MemAvailable");
        if (memAvailable >= 0) {
            best = memAvailable;
            source = "MemAvailable in /proc/meminfo";
        }
        long cgroup = cgroupRemaining();
        if (cgroup >= 0 && cgroup < best) {
            best = cgroup;
            source = "the cgroup memory limit minus its usage";
        }
        if (source == null) {
            if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
                best = os.getFreeMemorySize();
                source = "free physical memory reported by the JVM";
            } else {
                best = Long.MAX_VALUE;
                source = "unknown: no /proc/meminfo";
            }
        }
        return new Available(best, source);
    }

    /**
     * What NIO direct buffers ({@code ByteBuffer.allocateDirect}, used for ONNX Runtime's tensors) may still take:
     * {@code -XX:MaxDirectMemorySize}, by default the maximum heap size, minus the direct memory in use.
     */
    static Available directAvailable() {
        long max = Runtime.getRuntime().maxMemory();
        String source = "-XX:MaxDirectMemorySize unset: the heap maximum";
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("-XX:MaxDirectMemorySize=")) {
                long v = parseSize(a.substring(a.indexOf('=') + 1));
                if (v >= 0) {
                    max = v;
                    source = a;
                }
            }
        }
        long used = 0;
        for (java.lang.management.BufferPoolMXBean b
                : ManagementFactory.getPlatformMXBeans(java.lang.management.BufferPoolMXBean.class)) {
            if (b.getName().equals("direct")) used = Math.max(0, b.getMemoryUsed());
        }
        return new Available(Math.max(0, max - used), "direct buffer memory: " + source + ", minus "
                + human(used) + " in use; raise it with RNN4J_JAVA_OPTS=-XX:MaxDirectMemorySize=<size>");
    }

    /** "512m", "4g", "1024" (bytes); -1 when unreadable. */
    static long parseSize(String s) {
        try {
            String t = s.trim().toLowerCase(Locale.ROOT);
            long unit = switch (t.isEmpty() ? ' ' : t.charAt(t.length() - 1)) {
                case 'k' -> 1L << 10;
                case 'm' -> 1L << 20;
                case 'g' -> 1L << 30;
                case 't' -> 1L << 40;
                default -> 1;
            };
            String digits = unit == 1 ? t : t.substring(0, t.length() - 1);
            return saturatingMultiply(Long.parseLong(digits), unit);
        } catch (RuntimeException e) {
            return -1;
        }
    }

    private static long meminfo(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith(key + ":")) {
                    String[] f = line.substring(key.length() + 1).trim().split("\\s+");
                    long v = Long.parseLong(f[0]);
                    return f.length > 1 && f[1].equalsIgnoreCase("kB") ? v * 1024 : v;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** cgroup v2 memory.max - memory.current, or v1 limit - usage; -1 when there is no limit. */
    private static long cgroupRemaining() {
        long v2 = readLong(Path.of("/sys/fs/cgroup/memory.max"));
        if (v2 >= 0) {
            long used = readLong(Path.of("/sys/fs/cgroup/memory.current"));
            return Math.max(0, v2 - Math.max(0, used));
        }
        long v1 = readLong(Path.of("/sys/fs/cgroup/memory/memory.limit_in_bytes"));
        if (v1 >= 0 && v1 < (1L << 60)) {
            long used = readLong(Path.of("/sys/fs/cgroup/memory/memory.usage_in_bytes"));
            return Math.max(0, v1 - Math.max(0, used));
        }
        return -1;
    }

    private static long readLong(Path p) {
        try {
            String s = Files.readString(p).trim();
            return s.equals("max") ? -1 : Long.parseLong(s);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    static long saturatingMultiply(long a, long b) {
        long hi = Math.multiplyHigh(a, b);
        long lo = a * b;
        return (hi == 0 && lo >= 0) ? lo : Long.MAX_VALUE;
    }

    static long saturatingAdd(long a, long b) {
        long r = a + b;
        return r < 0 ? Long.MAX_VALUE : r;
    }

    /** "64.0 GiB", "1.5 MiB", "512 B". */
    static String human(long bytes) {
        if (bytes == Long.MAX_VALUE) return "more than 8 EiB";
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        double v = bytes;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? bytes + " B" : String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
