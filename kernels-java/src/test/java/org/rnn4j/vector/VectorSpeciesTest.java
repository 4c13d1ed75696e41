package org.rnn4j.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jdk.incubator.vector.VectorShape;
import org.junit.jupiter.api.Test;

/** The forced width (-Drnn4j.vector.bits, set by the 128/256-bit test runs) is the one the kernels use. */
class VectorSpeciesTest {
    @Test
    void speciesFollowTheForcedWidth() {
        String forced = System.getProperty(Species.BITS_PROPERTY);
        int want = forced == null ? VectorShape.preferredShape().vectorBitSize() : Integer.parseInt(forced);
        assertEquals(want, Species.BITS);
        assertEquals(want / 32, Species.F32.length());
        assertEquals(want / 64, Species.F64.length());
    }

    @Test
    void c2ProblemsAreNamed() {
        assertEquals(null, VectorProvider.c2Problem(java.util.List.of("-Xmx1g")));
        org.junit.jupiter.api.Assertions.assertTrue(VectorProvider.c2Problem(java.util.List.of("-XX:TieredStopAtLevel=1"))
                .contains("TieredStopAtLevel=1"));
        org.junit.jupiter.api.Assertions.assertTrue(VectorProvider.c2Problem(java.util.List.of("-Xint")).contains("-Xint"));
    }
}
