package org.rnn4j.tool;

import org.rnn4j.BackendOptions;
import org.rnn4j.Backends;
import org.rnn4j.spi.RnnBackend;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** Resolves a {@code --backend} name: an unknown name is a usage error, an unavailable one a failure with the reason. */
final class BackendChoice {
    /** The default of every {@code --backend}: the system property {@value Backends#PROPERTY}, else reference. */
    static final String DEFAULT = "${sys:rnn4j.backend:-reference}";

    private BackendChoice() {}

    /** An unknown backend name is a usage error listing the known ones. */
    static void requireKnown(CommandSpec spec, String name) {
        boolean known = Backends.list().stream().anyMatch(i -> i.name().equals(name));
        if (!known) {
            throw new ParameterException(spec.commandLine(), "Invalid value for option '--backend': expected one of "
                    + Backends.list().stream().map(Backends.Info::name).toList() + " but was '" + name + "'");
        }
    }

    static RnnBackend resolve(CommandSpec spec, String name) {
        return resolve(spec, name, BackendOptions.defaults());
    }

    static RnnBackend resolve(CommandSpec spec, String name, BackendOptions options) {
        requireKnown(spec, name);
        try {
            return Backends.get(name, options);
        } catch (IllegalStateException e) {
            throw new ToolException(e.getMessage(), e);
        }
    }
}
