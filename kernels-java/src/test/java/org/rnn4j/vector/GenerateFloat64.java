package org.rnn4j.vector;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Generates the float64 kernels ({@code org.rnn4j.vector.f64}) from the float32 ones ({@code org.rnn4j.vector.f32}),
 * so the two precisions cannot drift apart: float32 is the source, written and tuned by hand; float64 is a token
 * substitution of it (types, species, literals, names). Only the activations are written twice
 * ({@code ActivationsF32}: a rational tanh; {@code ActivationsF64}: IEEE basic operations only), because float64
 * needs the accuracy. {@code Float64SourcesAreGeneratedTest} fails when the committed f64 sources differ from
 * what this produces; regenerate with
 * {@code java kernels-java/src/test/java/org/rnn4j/vector/GenerateFloat64.java kernels-java} from the repository root.
 */
public final class GenerateFloat64 {
    private GenerateFloat64() {}

    static final String HAND_WRITTEN = "ActivationsF32.java";

    /** The f32 source files that have a generated f64 twin, relative to {@code module}. */
    static List<Path> sources(Path module) throws IOException {
        Path dir = module.resolve("src/main/java/org/rnn4j/vector/f32");
        List<Path> out = new ArrayList<>();
        try (var s = Files.list(dir)) {
            s.filter(p -> p.toString().endsWith(".java") && !p.getFileName().toString().equals(HAND_WRITTEN))
                    .sorted().forEach(out::add);
        }
        return out;
    }

    static Path target(Path module, Path source) {
        String name = source.getFileName().toString().replace("F32", "F64");
        return module.resolve("src/main/java/org/rnn4j/vector/f64").resolve(name);
    }

    private static final Pattern FLOAT_LITERAL = Pattern.compile("\\b(\\d+(?:\\.\\d*)?(?:[eE][-+]?\\d+)?)f\\b");

    /** The float64 text of a float32 source. */
    static String translate(String src) {
        String s = src;
        s = s.replace("package org.rnn4j.vector.f32;", "package org.rnn4j.vector.f64;");
        s = s.replace("org.rnn4j.vector.f32.", "org.rnn4j.vector.f64.");
        s = s.replace("FloatVector", "DoubleVector");
        s = s.replace("JAVA_FLOAT", "JAVA_DOUBLE");
        s = s.replace("OfFloat", "OfDouble");
        s = s.replaceAll("\\bFloat\\b", "Double");
        s = s.replaceAll("\\bfloat\\b", "double");
        s = s.replace("float32", "float64");
        s = s.replace("F32", "F64");
        Matcher m = FLOAT_LITERAL.matcher(s);
        s = m.replaceAll("$1d");
        return "// GENERATED from the float32 source by GenerateFloat64 (kernels-java/src/test): do not edit.\n" + s;
    }

    public static void main(String[] args) throws IOException {
        Path module = Path.of(args.length > 0 ? args[0] : ".");
        for (Path src : sources(module)) {
            Files.writeString(target(module, src), translate(Files.readString(src)));
        }
    }
}
