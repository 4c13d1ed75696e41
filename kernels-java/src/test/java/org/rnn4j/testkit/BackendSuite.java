package org.rnn4j.testkit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.BeforeEach;

/**
 * The base of every suite of the test kit, in the manner of Lucene's {@code Base*TestCase}: a suite is an
 * abstract class whose tests run against the {@link BackendUnderTest} its subclass passes in. A backend
 * module lists the suites as JUnit 5 {@code @Nested} classes of one test class (see
 * {@code ReferenceBackendTest} and docs/architecture.md, "How to add a backend"). What the suites check is
 * documented, letter by letter, in docs/contract.md.
 *
 * <p>When the backend cannot run on this machine, every test is skipped with the backend's reason.
 */
public abstract class BackendSuite {
    /** The backend every test of the suite runs against. */
    protected final BackendUnderTest backend;

    protected BackendSuite(BackendUnderTest backend) {
        if (backend == null) throw new IllegalArgumentException("backend: expected a BackendUnderTest but was null");
        this.backend = backend;
    }

    @BeforeEach
    void backendIsAvailable() {
        String why = backend.unavailableReason();
        assumeTrue(why == null, () -> "backend '" + backend.name() + "' is not available here: " + why);
    }
}
