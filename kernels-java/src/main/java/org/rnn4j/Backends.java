package org.rnn4j;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.rnn4j.spi.BackendProvider;
import org.rnn4j.spi.RnnBackend;

/**
 * Finds backends by name. There is no silent fallback: asking for a backend that cannot run here throws with
 * the reason, and {@link #list()} says for every known backend whether it is available and, if not, why.
 *
 * <p>Ownership: {@link #get} and {@link #fromSystemProperty} return a new instance that the caller closes.
 * Frameworks usually pass a name instead ({@link #nameFromSystemProperty} reads it from the system property)
 * to {@link Rnn#create(RnnConfig, RnnParameters, String, BackendOptions)}, whose Rnn owns and closes the
 * instance.
 */
public final class Backends {
    /** System property a tool may set to pick the backend: {@code -Drnn4j.backend=reference}. */
    public static final String PROPERTY = "rnn4j.backend";

    /** The backends this project defines, with what to do when their provider is not on the class path. */
    private static final Map<String, String> KNOWN = new LinkedHashMap<>();

    static {
        KNOWN.put("reference", "rnn4j-kernels-java is not on the class path");
        KNOWN.put("vector", "rnn4j-kernels-java is not on the class path");
        KNOWN.put("native", "no provider on the class path: add rnn4j-kernels-native (and its OpenBLAS "
                + "dependencies) to the class path");
    }

    private Backends() {}

    /** What an available backend runs (its provider's {@link BackendProvider#details()}); "" when unknown or unavailable. */
    public static String details(String name) {
        BackendProvider p = providers().get(name);
        if (p == null || !info(name, p).available()) return "";
        try {
            return p.details();
        } catch (RuntimeException | LinkageError e) {
            return "details unavailable: " + e;
        }
    }

    /** Availability of one backend. */
    public record Info(String name, boolean available, String reason) {
        @Override
        public String toString() {
            return name + ": " + (available ? "available" : "not available: " + reason);
        }
    }

    /** Every known backend and every provider found, in a fixed order. */
    public static List<Info> list() {
        Map<String, BackendProvider> found = providers();
        List<Info> out = new ArrayList<>();
        for (String name : KNOWN.keySet()) out.add(info(name, found.get(name)));
        for (var e : found.entrySet()) {
            if (!KNOWN.containsKey(e.getKey())) out.add(info(e.getKey(), e.getValue()));
        }
        return out;
    }

    /** Names of the backends that can run here. */
    public static List<String> available() {
        List<String> names = new ArrayList<>();
        for (Info i : list()) if (i.available()) names.add(i.name());
        return names;
    }

    /**
     * A new instance of backend {@code name}; throws with the reason when it cannot run here. The caller owns
     * the instance and closes it ({@link RnnBackend} is {@link AutoCloseable}) after every {@link Rnn} bound to
     * it; {@link Rnn#create(RnnConfig, RnnParameters, String, BackendOptions)} is the owning alternative.
     */
    public static RnnBackend get(String name) {
        return get(name, BackendOptions.defaults());
    }

    /**
     * A new instance of backend {@code name} with {@code options}; throws with the reason when it cannot run
     * here. The caller owns the instance and closes it, as with {@link #get(String)}.
     */
    public static RnnBackend get(String name, BackendOptions options) {
        if (options == null) throw new IllegalArgumentException("options: expected BackendOptions but was null");
        return provider(name).create(options);
    }

    /**
     * The backend named by the system property {@value #PROPERTY}, or {@code fallbackName} if unset: a new
     * instance the caller owns and closes (see {@link #get(String)}). To let an {@link Rnn} own it, pass
     * {@link #nameFromSystemProperty} to {@link Rnn#create(RnnConfig, RnnParameters, String, BackendOptions)}
     * instead.
     */
    public static RnnBackend fromSystemProperty(String fallbackName) {
        return get(nameFromSystemProperty(fallbackName));
    }

    /**
     * The name of the backend the system property {@value #PROPERTY} selects, or {@code fallbackName} if unset,
     * checked as {@link #get} checks it: the owning form is
     * {@code Rnn.create(cfg, w, Backends.nameFromSystemProperty("reference"), options)}, whose Rnn closes the
     * backend instance it creates.
     *
     * @throws IllegalArgumentException if the name is null or not a backend's
     * @throws IllegalStateException if that backend cannot run here (with the reason)
     */
    public static String nameFromSystemProperty(String fallbackName) {
        String name = System.getProperty(PROPERTY, fallbackName);
        provider(name);
        return name;
    }

    /** The provider of an available backend {@code name}; the errors of {@link #get}. */
    private static BackendProvider provider(String name) {
        if (name == null) throw new IllegalArgumentException("backend: expected a backend name but was null");
        BackendProvider p = providers().get(name);
        Info info = info(name, p);
        if (p == null && !KNOWN.containsKey(name)) {
            throw new IllegalArgumentException("backend: expected one of " + names() + " but was '" + name + "'");
        }
        if (!info.available()) {
            throw new IllegalStateException("backend '" + name + "' is not available: " + info.reason());
        }
        return p;
    }

    private static List<String> names() {
        List<String> n = new ArrayList<>(KNOWN.keySet());
        for (String k : providers().keySet()) if (!n.contains(k)) n.add(k);
        return n;
    }

    private static Info info(String name, BackendProvider p) {
        if (p == null) return new Info(name, false, KNOWN.getOrDefault(name, "unknown backend"));
        String why;
        try {
            why = p.unavailableReason();
        } catch (RuntimeException | LinkageError e) {
            why = "its availability probe failed: " + e;
        }
        return new Info(name, why == null, why);
    }

    private static Map<String, BackendProvider> providers() {
        Map<String, BackendProvider> m = new LinkedHashMap<>();
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class, Backends.class.getClassLoader())) {
            m.putIfAbsent(p.name(), p);
        }
        return m;
    }
}
