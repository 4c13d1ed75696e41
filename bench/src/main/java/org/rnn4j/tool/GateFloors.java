package org.rnn4j.tool;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.rnn4j.Cell;
import org.rnn4j.DType;
import org.rnn4j.bench.jmh.Shapes;

/**
 * The floors file of the CI gate ({@code docs/bench/gate-floors.txt}): which checks the gate runs, and the floor of
 * each check's ratio per CPU family.
 *
 * <pre>
 * threads 1            # the threads of every check and of the roofline
 * gemm 2048            # M = N = K of the roofline SGEMM
 * # family  backend  cell  mode    dtype  shape  floor    # comment: the measurements behind the floor
 * avx512    vector   lstm  fwdbwd  f32    A      1.05     # min 1.31 / median 1.35 / max 1.40 ...
 * avx512    native   lstm  fwdbwd  f32    A      tbd
 * </pre>
 *
 * Blank lines and text after {@code #} are ignored. {@code family} is {@code avx512} or {@code avx2}
 * ({@link #family}); {@code shape} a name of {@link Shapes} or {@code TxNxIxH}; {@code floor} a ratio or
 * {@code tbd} (to be measured: the check runs and is reported, not gated).
 */
record GateFloors(int threads, int gemmSize, List<Row> rows, String source) {
    /** Family names. */
    static final String AVX512 = "avx512";
    static final String AVX2 = "avx2";
    static final String OTHER = "other";

    /** One check of one family; {@code floor} null when "tbd". */
    record Row(String family, String backend, Cell cell, String mode, DType dtype, Shapes.Shape shape, Double floor,
               int line) {
        /** "lstm fwdbwd f32 A". */
        String check() {
            return cell.id() + " " + mode + " " + Converters.shortName(dtype) + " " + shape.name();
        }
    }

    /** The CPU family the floors are chosen by: avx512 (F, DQ, BW, VL), avx2 (AVX2 and FMA), else other. */
    static String family(CpuInfo cpu) {
        if (OpenblasEnv.hasAvx512(cpu)) return AVX512;
        if (cpu.flags().contains("avx2") && cpu.flags().contains("fma")) return AVX2;
        return OTHER;
    }

    /** The rows of {@code family}, in file order. */
    List<Row> rowsOf(String family) {
        return rows.stream().filter(r -> r.family().equals(family)).toList();
    }

    static GateFloors parse(String text, String source) {
        int threads = 1, gemm = 2048;
        List<Row> rows = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            int hash = line.indexOf('#');
            if (hash >= 0) line = line.substring(0, hash);
            line = line.trim();
            if (line.isEmpty()) continue;
            String[] f = line.split("\\s+");
            String where = source + ":" + (i + 1);
            try {
                if (f[0].equals("threads") && f.length == 2) {
                    threads = positive(f[1], "threads");
                } else if (f[0].equals("gemm") && f.length == 2) {
                    gemm = positive(f[1], "gemm");
                } else if (f.length == 7) {
                    String family = f[0].toLowerCase(Locale.ROOT);
                    if (!family.equals(AVX512) && !family.equals(AVX2) && !family.equals(OTHER)) {
                        throw new IllegalArgumentException("family: expected avx512, avx2 or other but was '" + f[0] + "'");
                    }
                    String mode = f[3];
                    if (!mode.equals("fwd") && !mode.equals("fwdbwd") && !mode.equals("step")) {
                        throw new IllegalArgumentException("mode: expected fwd, fwdbwd or step but was '" + mode + "'");
                    }
                    Double floor;
                    if (f[6].equalsIgnoreCase("tbd")) {
                        floor = null;
                    } else {
                        floor = Double.parseDouble(f[6]);
                        if (!(floor > 0) || floor.isInfinite()) throw new NumberFormatException();
                    }
                    rows.add(new Row(family, f[1], Cell.parse(f[2]), mode, DType.parse(f[4]), Shapes.parse(f[5]), floor,
                            i + 1));
                } else {
                    throw new IllegalArgumentException("expected 'threads K', 'gemm S' or 'family backend cell mode dtype "
                            + "shape floor' but was '" + line + "'");
                }
            } catch (NumberFormatException e) {
                throw new ToolException(where + ": a number (a positive ratio, or tbd) was expected in '" + line + "'", e);
            } catch (IllegalArgumentException e) {
                throw new ToolException(where + ": " + e.getMessage(), e);
            }
        }
        return new GateFloors(threads, gemm, List.copyOf(rows), source);
    }

    private static int positive(String v, String what) {
        int n = Integer.parseInt(v);
        if (n < 1) throw new IllegalArgumentException(what + ": expected >= 1 but was " + n);
        return n;
    }

    static GateFloors read(Path file) {
        try {
            return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
        } catch (IOException e) {
            throw new ToolException("cannot read the floors file " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The committed floors: {@code docs/bench/gate-floors.txt} of the source tree when the tool runs from its build
     * (so edits take effect at once), else the copy bundled in the jar.
     */
    static GateFloors committed() {
        try {
            Path here = Path.of(GateFloors.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path inTree = here.getParent().getParent().getParent().resolve("docs").resolve("bench")
                    .resolve("gate-floors.txt");
            if (Files.isRegularFile(inTree)) return read(inTree);
        } catch (URISyntaxException | RuntimeException e) {
            // Fall back to the bundled copy.
        }
        try (InputStream in = GateFloors.class.getResourceAsStream("/gate-floors.txt")) {
            if (in == null) throw new ToolException("gate: gate-floors.txt is neither in docs/bench nor in the jar");
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "gate-floors.txt (bundled in the jar)");
        } catch (IOException e) {
            throw new ToolException("gate: cannot read the bundled gate-floors.txt: " + e.getMessage(), e);
        }
    }
}
