package org.rnn4j.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.rnn4j.Backends;
import org.rnn4j.reference.ReferenceBackend;

/**
 * Contract (j) of docs/contract.md: the backend list names reference (available), vector and native (with the
 * reason when unavailable); every unavailable backend fails with exactly that reason; no silent fallback.
 */
class BackendListContractTest {

    @Test
    void backendListNamesEveryBackendAndWhyNot() {
        List<Backends.Info> list = Backends.list();
        List<String> names = list.stream().map(Backends.Info::name).toList();
        assertTrue(names.containsAll(List.of("reference", "vector", "native")), names.toString());
        assertEquals(List.of("reference", "vector", "native"), names.subList(0, 3), "fixed order");
        for (Backends.Info info : list) {
            if (info.available()) {
                assertNull(info.reason(), info.name());
                assertEquals(info.name() + ": available", info.toString());
                assertEquals(info.name(), Backends.get(info.name()).name());
            } else {
                assertNotNull(info.reason(), info.name());
                assertFalse(info.reason().isBlank(), info.name());
                assertEquals(info.name() + ": not available: " + info.reason(), info.toString());
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> Backends.get(info.name()));
                assertEquals("backend '" + info.name() + "' is not available: " + info.reason(), e.getMessage());
            }
        }
        Backends.Info ref = list.get(0);
        assertTrue(ref.available(), "reference runs everywhere");
        assertTrue(list.get(1).available(), "the vector backend runs on this JVM (the tests run with its flags)");
        // kernels-java alone does not have the native backend on its class path
        Backends.Info nat = list.get(2);
        if (!nat.available()) assertFalse(nat.reason().isBlank());
        assertTrue(Backends.available().contains("reference"));
        assertTrue(Backends.available().contains("vector"));
        // no silent fallback: each get is a new instance of exactly the backend asked for
        assertTrue(Backends.get("reference") instanceof ReferenceBackend);
        assertFalse(Backends.get("reference") == Backends.get("reference"));
    }
}
