package org.rnn4j.nativebackend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.rnn4j.Backends;
import org.rnn4j.DType;
import org.rnn4j.conform.CaseResult;
import org.rnn4j.conform.Conformance;

/**
 * The PyTorch fixtures (kept in kernels-java/src/test/resources/fixtures/torch) are on this module's test
 * class path at fixtures/torch, so the native backend can be tested against them like the reference.
 */
class FixturesOnTestClassPathTest {
    @Test
    void theFixturesAreHereAndRun() throws IOException, URISyntaxException {
        URL url = getClass().getClassLoader().getResource("fixtures/torch/" + Conformance.INDEX);
        assertNotNull(url, "fixtures/torch/cases.json is not on the kernels-native test class path");
        Path dir = Path.of(url.toURI()).getParent();
        List<CaseResult> results = Conformance.run(dir, Backends.get("reference"), DType.F64);
        assertEquals(13, results.size());
        for (CaseResult r : results) assertTrue(r.passed(), r.line());
    }
}
