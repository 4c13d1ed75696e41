package org.rnn4j.tool;

/**
 * Whether the Vector API is usable here. Loads nothing from {@code jdk.incubator.vector} itself: the species
 * are asked through {@link VectorSpeciesProbe} only when the module is in the boot layer, so the tool still runs
 * without {@code --add-modules jdk.incubator.vector}.
 */
final class VectorSupport {
    static final String MODULE = "jdk.incubator.vector";

    private VectorSupport() {}

    static boolean available() {
        return ModuleLayer.boot().findModule(MODULE).isPresent();
    }

    /** One line describing the preferred species, or why the Vector API is not available. */
    static String describe() {
        if (!available()) {
            return "not available: module " + MODULE + " is not in the boot layer (run with --add-modules " + MODULE
                    + "; ./rnn4j does)";
        }
        try {
            return "available (" + MODULE + "); preferred species: " + VectorSpeciesProbe.describe();
        } catch (LinkageError | RuntimeException e) {
            return "module present but unusable: " + e;
        }
    }
}
