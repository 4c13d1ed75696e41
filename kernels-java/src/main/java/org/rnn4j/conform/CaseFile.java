package org.rnn4j.conform;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rnn4j.DType;
import org.rnn4j.RnnConfig;
import org.rnn4j.npy.NpyArray;
import org.rnn4j.npy.Npz;
import org.rnn4j.util.MiniJson;

/**
 * One case of the {@code cases.json} format read on its own, from its {@code .npz} (for the gradient checker's
 * {@code --case}, {@link org.rnn4j.gradcheck.GradcheckData#fromCase}): its configuration comes from a sidecar
 * {@code FILE.json} beside {@code FILE.npz} holding one case object, or else from the entry of the
 * {@code cases.json} beside it whose {@code "file"} (default: name + ".npz") is {@code FILE.npz}. The case object
 * is the conformance format's ({@code cell}, {@code T}, {@code N}, {@code I}, {@code H}, {@code layers},
 * {@code bidirectional}, {@code layout}, {@code lengths}; see the {@linkplain org.rnn4j.conform package
 * documentation}); the arrays keep their {@code .npz} names.
 */
public final class CaseFile {
    private final CaseSpec spec;
    private final Path file;
    private final String configSource;
    private final Map<String, NpyArray> arrays;
    private final int[] lengths;

    private CaseFile(CaseSpec spec, Path file, String configSource, Map<String, NpyArray> arrays, int[] lengths) {
        this.spec = spec;
        this.file = file;
        this.configSource = configSource;
        this.arrays = arrays;
        this.lengths = lengths;
    }

    /**
     * Reads the case at {@code npz} and its configuration.
     *
     * @throws IOException naming the file when it cannot be read, has no configuration (neither sidecar nor
     *                     matching cases.json entry), the configuration is invalid, or lengths disagree
     */
    public static CaseFile read(Path npz) throws IOException {
        if (npz == null) throw new IllegalArgumentException("npz: expected a path but was null");
        if (!Files.isRegularFile(npz)) throw new IOException(npz + ": no such file");
        String fileName = npz.getFileName().toString();
        String base = fileName.endsWith(".npz") ? fileName.substring(0, fileName.length() - 4) : fileName;
        Path dir = npz.toAbsolutePath().getParent();
        Path sidecar = dir.resolve(base + ".json");
        Map<String, Object> json;
        String source;
        if (Files.isRegularFile(sidecar)) {
            try {
                json = MiniJson.parseObject(Files.readString(sidecar, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw new IOException(sidecar + ": " + e.getMessage(), e);
            }
            if (json.get("file") instanceof String f && !f.equals(fileName)) {
                throw new IOException(sidecar + ": its \"file\" is '" + f + "' but it sits beside " + fileName);
            }
            source = sidecar.toString();
        } else if (Files.isRegularFile(dir.resolve(Conformance.INDEX))) {
            json = null;
            List<Map<String, Object>> cases = CaseSpec.readIndex(dir);
            for (int k = 0; k < cases.size() && json == null; k++) {
                Object f = cases.get(k).getOrDefault("file", CaseSpec.nameOf(cases.get(k), k) + ".npz");
                if (fileName.equals(f)) json = cases.get(k);
            }
            if (json == null) {
                throw new IOException(npz + ": no configuration: " + dir.resolve(Conformance.INDEX)
                        + " has no case whose file is " + fileName + " (and there is no " + base + ".json beside it)");
            }
            source = dir.resolve(Conformance.INDEX).toString();
        } else {
            throw new IOException(npz + ": no configuration: expected " + base + ".json beside it (one case object "
                    + "of the cases.json format: cell, T, N, I, H, ...) or a " + Conformance.INDEX + " naming it");
        }
        CaseSpec spec;
        try {
            spec = CaseSpec.parse(json, json.get("name") instanceof String s && !s.isBlank() ? s : base);
        } catch (CaseFailure f) {
            throw new IOException(source + ": " + f.getMessage());
        }
        Map<String, NpyArray> arrays;
        if (npz.getFileSystem() == FileSystems.getDefault()) {
            arrays = Npz.read(npz);
        } else {
            try (InputStream in = Files.newInputStream(npz)) {
                arrays = Npz.read(in);
            }
        }
        int[] lengths;
        try {
            lengths = CaseArrays.lengths(spec, arrays);
        } catch (CaseFailure f) {
            throw new IOException(npz + ": " + f.getMessage());
        }
        return new CaseFile(spec, npz, source, Collections.unmodifiableMap(new LinkedHashMap<>(arrays)), lengths);
    }

    /** The case's name (its {@code "name"}, else the file name without {@code .npz}). */
    public String name() {
        return spec.name();
    }

    /** The {@code .npz} read. */
    public Path file() {
        return file;
    }

    /** The file the configuration came from: the sidecar JSON or the cases.json. */
    public String configSource() {
        return configSource;
    }

    /**
     * The case's configuration in {@code dtype}.
     *
     * @throws IllegalArgumentException when the case object describes no valid configuration
     */
    public RnnConfig config(DType dtype) {
        try {
            return spec.config(dtype);
        } catch (CaseFailure f) {
            throw new IllegalArgumentException(f.getMessage());
        }
    }

    /** T. */
    public int seqLength() {
        return spec.seqLength();
    }

    /** N. */
    public int batch() {
        return spec.batch();
    }

    /** The lengths (from the case object or the {@code lengths} array, which must agree), or null. */
    public int[] lengths() {
        return lengths == null ? null : lengths.clone();
    }

    /** Every array of the {@code .npz} by name, in archive order (unmodifiable). */
    public Map<String, NpyArray> arrays() {
        return arrays;
    }

    @Override
    public String toString() {
        return name() + " (" + file + ", " + spec.cell().id() + ", T=" + seqLength() + ", N=" + batch()
                + (lengths != null ? ", lengths=" + Arrays.toString(lengths) : "") + ")";
    }
}
