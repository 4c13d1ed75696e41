package org.rnn4j.conform;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The 13 PyTorch autograd fixtures ({@code src/test/resources/fixtures/torch}, on the test class path at
 * {@value CaseDirectory#TORCH_FIXTURES}; kept once in git, published in this module's {@code tests} jar and
 * bundled by the tool) are all in their index. Every backend runs them in
 * {@link org.rnn4j.testkit.ConformanceSuite}.
 */
class FixturesIndexTest {
    static final int CASES = 13;

    @Test
    void everyFixtureFileIsInTheIndex() throws IOException {
        try (CaseDirectory fixtures = CaseDirectory.onClassPath(CaseDirectory.TORCH_FIXTURES)) {
            Path dir = fixtures.path();
            List<String> npz;
            try (var files = Files.list(dir)) {
                npz = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".npz")).sorted().toList();
            }
            assertEquals(CASES, npz.size(), npz.toString());
            List<String> indexed = CaseSpec.readIndex(dir).stream()
                    .map(j -> j.getOrDefault("file", j.get("name") + ".npz").toString()).sorted().toList();
            assertEquals(npz, indexed);
        }
    }
}
