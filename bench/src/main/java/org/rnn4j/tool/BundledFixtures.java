package org.rnn4j.tool;

import java.io.IOException;
import java.nio.file.Path;
import org.rnn4j.conform.CaseDirectory;

/**
 * The PyTorch fixtures bundled as the class-path resource {@value #RESOURCE} (see {@link CaseDirectory}): the
 * directory itself when running from {@code target/classes}, or a folder of a zip file system over the jar.
 * Close it to release the zip file system.
 */
final class BundledFixtures implements AutoCloseable {
    static final String RESOURCE = CaseDirectory.TORCH_FIXTURES;

    private final CaseDirectory dir;

    private BundledFixtures(CaseDirectory dir) {
        this.dir = dir;
    }

    static BundledFixtures open() {
        try {
            return new BundledFixtures(CaseDirectory.onClassPath(RESOURCE, BundledFixtures.class.getClassLoader()));
        } catch (IOException e) {
            throw new ToolException("the bundled fixtures are not available: " + e.getMessage()
                    + "; pass a case directory instead", e);
        }
    }

    /** The folder holding cases.json. */
    Path dir() {
        return dir.path();
    }

    /** Where the fixtures come from, for humans. */
    String description() {
        return "bundled fixtures " + dir.description();
    }

    @Override
    public void close() {
        dir.close();
    }
}
