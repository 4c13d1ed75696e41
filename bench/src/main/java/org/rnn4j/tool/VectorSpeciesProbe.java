package org.rnn4j.tool;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;

/** The only class of the tool that touches {@code jdk.incubator.vector}; see {@link VectorSupport}. */
final class VectorSpeciesProbe {
    private VectorSpeciesProbe() {}

    static String describe() {
        var f = FloatVector.SPECIES_PREFERRED;
        var d = DoubleVector.SPECIES_PREFERRED;
        return "float " + f.vectorBitSize() + " bits (" + f.length() + " lanes), double " + d.vectorBitSize()
                + " bits (" + d.length() + " lanes)";
    }
}
