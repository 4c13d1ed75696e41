package org.rnn4j.tool;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Path;

/**
 * The PyTorch fixtures bundled as the class-path resource {@value #RESOURCE}: the directory itself when
 * running from {@code target/classes}, or a folder of a zip file system over the jar. Close it to release the
 * zip file system.
 */
final class BundledFixtures implements AutoCloseable {
    static final String RESOURCE = "fixtures/torch";

    private final Path dir;
    private final FileSystem zip;
    private final String description;

    private BundledFixtures(Path dir, FileSystem zip, String description) {
        this.dir = dir;
        this.zip = zip;
        this.description = description;
    }

    static BundledFixtures open() {
        URL url = BundledFixtures.class.getClassLoader().getResource(RESOURCE + "/cases.json");
        if (url == null) {
            throw new ToolException("the bundled fixtures (class-path resource " + RESOURCE
                    + "/cases.json) are not on the class path; pass a case directory instead");
        }
        try {
            switch (url.getProtocol()) {
                case "file" -> {
                    Path dir = Path.of(url.toURI()).getParent();
                    return new BundledFixtures(dir, null, "bundled fixtures " + dir);
                }
                case "jar" -> {
                    String s = url.toString();
                    int sep = s.indexOf("!/");
                    Path jar = Path.of(new URI(s.substring("jar:".length(), sep)));
                    FileSystem fs = FileSystems.newFileSystem(jar);
                    String entry = s.substring(sep + 1);
                    Path dir = fs.getPath(entry.substring(0, entry.lastIndexOf('/')));
                    return new BundledFixtures(dir, fs, "bundled fixtures " + jar.getFileName() + "!" + dir);
                }
                default -> throw new ToolException("cannot open the bundled fixtures at " + url
                        + " (neither a file nor a jar); pass a case directory instead");
            }
        } catch (IOException | URISyntaxException | RuntimeException e) {
            if (e instanceof ToolException t) throw t;
            throw new ToolException("cannot open the bundled fixtures at " + url + ": " + e, e);
        }
    }

    /** The folder holding cases.json. */
    Path dir() {
        return dir;
    }

    /** Where the fixtures come from, for humans. */
    String description() {
        return description;
    }

    @Override
    public void close() {
        if (zip != null) {
            try {
                zip.close();
            } catch (IOException ignored) {
                // read-only use: nothing to lose
            }
        }
    }
}
