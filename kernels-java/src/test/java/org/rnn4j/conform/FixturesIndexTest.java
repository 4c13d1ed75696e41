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

    /**
     * The fixtures are full cases: every result each lists is compared (a case compares only the results its
     * file holds, so a result lost from a file would otherwise go unnoticed; the "arrays" lists guard that).
     */
    @Test
    void everyListedResultIsCompared() throws IOException {
        try (CaseDirectory fixtures = CaseDirectory.onClassPath(CaseDirectory.TORCH_FIXTURES)) {
            List<java.util.Map<String, Object>> index = CaseSpec.readIndex(fixtures.path());
            List<CaseResult> results = Conformance.run(fixtures.path(), new org.rnn4j.reference.ReferenceBackend(),
                    org.rnn4j.DType.F64);
            for (int k = 0; k < CASES; k++) {
                List<String> listed = ((List<?>) index.get(k).get("arrays")).stream().map(Object::toString)
                        .filter(a -> a.equals("output") || a.equals("h_n") || a.equals("c_n")
                                || (a.startsWith("grad_") && !List.of("grad_output", "grad_h_n", "grad_c_n").contains(a)))
                        .sorted().toList();
                CaseResult r = results.get(k);
                List<String> compared = r.compared().stream().filter(a -> !a.endsWith(CaseArrays.INFERENCE))
                        .sorted().toList();
                assertEquals(listed, compared, r.name());
                assertEquals(listed.contains("c_n") ? 6 : 4, r.compared().stream()
                        .filter(a -> !a.startsWith("grad_")).count(), r.name());
            }
        }
    }
}
