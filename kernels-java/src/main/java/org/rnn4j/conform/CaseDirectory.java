package org.rnn4j.conform;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Path;

/**
 * A case directory found on the class path, for {@link Conformance#run}: the directory itself when the
 * resource is a plain file (a {@code target/test-classes} folder), or a folder of a zip file system over the
 * jar that holds it (the {@code tests} jar of {@code rnn4j-kernels-java}, the tool's jar). Close it to release
 * the zip file system.
 *
 * <pre>{@code
 * try (CaseDirectory fixtures = CaseDirectory.onClassPath(CaseDirectory.TORCH_FIXTURES)) {
 *     List<CaseResult> results = Conformance.run(fixtures.path(), backend, DType.F32);
 * }
 * }</pre>
 */
public final class CaseDirectory implements AutoCloseable {
    /**
     * Where the 13 bundled PyTorch fixtures sit on a class path: in the test jar of {@code rnn4j-kernels-java}
     * (Maven classifier {@code tests}) and in the command-line tool's jar.
     */
    public static final String TORCH_FIXTURES = "fixtures/torch";

    /**
     * Where ONNX's LSTM, GRU and RNN node tests converted to this format sit on a class path (the {@code tests}
     * jar of {@code rnn4j-kernels-java}): ONNX's official ones and rnn4j's own with distinct per-gate weights,
     * made by {@code bench/onnx/convert_onnx_node_tests.py}. Forward only: each case compares the outputs its
     * ONNX test holds.
     */
    public static final String ONNX_NODE_TESTS = "fixtures/onnx";

    private final Path path;
    private final FileSystem zip;
    private final String description;

    private CaseDirectory(Path path, FileSystem zip, String description) {
        this.path = path;
        this.zip = zip;
        this.description = description;
    }

    /** The case directory at class-path resource {@code resource}, looked up with this class's loader. */
    public static CaseDirectory onClassPath(String resource) throws IOException {
        return onClassPath(resource, CaseDirectory.class.getClassLoader());
    }

    /**
     * The case directory at class-path resource {@code resource} (a folder holding {@value Conformance#INDEX})
     * of {@code loader}.
     *
     * @throws FileNotFoundException if {@code resource/cases.json} is not on the class path
     * @throws IOException if it is neither a file nor in a jar, or the jar cannot be opened
     */
    public static CaseDirectory onClassPath(String resource, ClassLoader loader) throws IOException {
        if (resource == null) throw new IllegalArgumentException("resource: expected a class-path folder but was null");
        if (loader == null) throw new IllegalArgumentException("loader: expected a ClassLoader but was null");
        String index = resource + "/" + Conformance.INDEX;
        URL url = loader.getResource(index);
        if (url == null) {
            throw new FileNotFoundException("class-path resource " + index + " not found (the bundled fixtures come "
                    + "with the rnn4j-kernels-java artifact of classifier 'tests')");
        }
        try {
            switch (url.getProtocol()) {
                case "file" -> {
                    Path dir = Path.of(url.toURI()).getParent();
                    return new CaseDirectory(dir, null, dir.toString());
                }
                case "jar" -> {
                    String s = url.toString();
                    int sep = s.indexOf("!/");
                    Path jar = Path.of(new URI(s.substring("jar:".length(), sep)));
                    FileSystem fs = FileSystems.newFileSystem(jar);
                    String entry = s.substring(sep + 1);
                    Path dir = fs.getPath(entry.substring(0, entry.lastIndexOf('/')));
                    return new CaseDirectory(dir, fs, jar.getFileName() + "!" + dir);
                }
                default -> throw new IOException("cannot open " + url + " as a case directory (neither a file nor "
                        + "a jar entry)");
            }
        } catch (URISyntaxException | RuntimeException e) {
            throw new IOException("cannot open " + url + " as a case directory: " + e, e);
        }
    }

    /** The folder holding {@value Conformance#INDEX}. */
    public Path path() {
        return path;
    }

    /** Where the cases come from, for humans: a directory, or {@code jar-name!/folder}. */
    public String description() {
        return description;
    }

    /** Releases the zip file system, if any; idempotent. */
    @Override
    public void close() {
        if (zip != null && zip.isOpen()) {
            try {
                zip.close();
            } catch (IOException ignored) {
                // read-only use: nothing to lose
            }
        }
    }
}
