package org.rnn4j.conform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.rnn4j.DType;
import org.rnn4j.reference.ReferenceBackend;

/**
 * The reference backend against the 13 PyTorch autograd fixtures ({@code src/test/resources/fixtures/torch},
 * on the test class path at {@value #RESOURCE}; kept once in git, also bundled by the tool and put on the
 * native module's test class path): every case passes, training forward, inference forward and backward,
 * at 1e-10 in float64 and 1e-4 in float32.
 */
class FixturesConformanceTest {
    static final String RESOURCE = "fixtures/torch";
    static final int CASES = 13;

    /** The fixtures directory on the test class path. */
    static Path fixtures() throws URISyntaxException {
        URL url = FixturesConformanceTest.class.getClassLoader().getResource(RESOURCE + "/" + Conformance.INDEX);
        assertNotNull(url, RESOURCE + "/" + Conformance.INDEX + " is not on the test class path");
        return Path.of(url.toURI()).getParent();
    }

    @Test
    void referencePassesEveryFixtureInF64() throws IOException, URISyntaxException {
        check(DType.F64, 1e-10);
    }

    @Test
    void referencePassesEveryFixtureInF32() throws IOException, URISyntaxException {
        check(DType.F32, 1e-4);
    }

    @Test
    void everyFixtureFileIsInTheIndex() throws IOException, URISyntaxException {
        Path dir = fixtures();
        List<String> npz;
        try (var files = Files.list(dir)) {
            npz = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".npz")).sorted().toList();
        }
        assertEquals(CASES, npz.size(), npz.toString());
        List<String> indexed = CaseSpec.readIndex(dir).stream()
                .map(j -> j.getOrDefault("file", j.get("name") + ".npz").toString()).sorted().toList();
        assertEquals(npz, indexed);
    }

    private static void check(DType dtype, double bound) throws IOException, URISyntaxException {
        List<CaseResult> results = Conformance.run(fixtures(), new ReferenceBackend(), dtype);
        assertEquals(CASES, results.size());
        for (CaseResult r : results) {
            assertTrue(r.passed(), r.line());
            assertTrue(r.maxError() <= bound, r.line());
        }
        Conformance.Summary s = Conformance.summarize(results);
        assertEquals(CASES, s.passed());
        assertEquals(0, s.failed());
        assertTrue(s.maxError() <= bound, s.line());
        assertTrue(s.line().matches("conform: 13 passed, 0 failed, max error \\d\\.\\d\\de-\\d\\d"), s.line());
    }
}
