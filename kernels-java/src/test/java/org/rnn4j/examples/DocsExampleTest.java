package org.rnn4j.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The JUnit example of docs/usage.md ("Gradient checks on your own data") is {@link MyLstmGradientsTest}, which
 * compiles and passes here: the page must hold that class's source, from its first import to its end, verbatim.
 */
class DocsExampleTest {
    @Test
    void usageMdShowsTheCompiledExample() throws IOException {
        Path docs = Path.of("../docs/usage.md");
        Path source = Path.of("src/test/java/org/rnn4j/examples/MyLstmGradientsTest.java");
        assumeTrue(Files.isRegularFile(docs) && Files.isRegularFile(source), "run from kernels-java in the source tree");
        String java = Files.readString(source, StandardCharsets.UTF_8);
        String example = java.substring(java.indexOf("import static")).strip();
        String page = Files.readString(docs, StandardCharsets.UTF_8);
        assertTrue(page.contains(example), "docs/usage.md must show src/test/java/org/rnn4j/examples/"
                + "MyLstmGradientsTest.java from its first import on, verbatim:\n" + example);
    }
}
