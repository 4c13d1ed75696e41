package org.rnn4j.tool;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.rnn4j.Backends;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code info}: JDK, Vector API, CPU, backends and the native library. */
@Command(name = "info",
        mixinStandardHelpOptions = true,
        description = {"Shows the JDK, Vector API availability and preferred species width, the CPU model and SIMD "
                + "flags, every backend with available/why-not, and the native library with its OpenBLAS version "
                + "and thread count."})
final class InfoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        for (String v : new Rnn4jTool.Version().getVersion()) {
            if (v.startsWith("rnn4j")) out.println(v);
        }
        out.println();
        out.println("JDK:         " + Runtime.version() + " (" + System.getProperty("java.vendor") + ", "
                + System.getProperty("java.vm.name") + ")");
        out.println("             " + System.getProperty("java.home"));
        out.println("OS:          " + System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch") + ", " + Runtime.getRuntime().availableProcessors()
                + " processors available to the JVM");
        out.println("Vector API:  " + VectorSupport.describe());

        CpuInfo cpu = CpuInfo.read();
        out.println("CPU:         " + cpu.model());
        if (cpu.problem() != null) {
            out.println("SIMD flags:  unknown: " + cpu.problem());
        } else {
            out.println("SIMD flags:  " + (cpu.present().isEmpty() ? "(none of interest)" : String.join(" ", cpu.present())));
            List<String> absent = cpu.absent();
            if (!absent.isEmpty()) out.println("  absent:    " + String.join(" ", absent));
        }

        out.println();
        out.println("Backends:");
        for (Backends.Info i : Backends.list()) {
            out.println(String.format("  %-10s %s", i.name(), i.available() ? "available"
                    : "not available: " + i.reason()));
            String details = i.available() ? Backends.details(i.name()) : "";
            if (!details.isEmpty()) out.println(String.format("  %-10s %s", "", details));
        }

        out.println();
        out.println("Native library (libjnirnn4j + OpenBLAS):");
        for (String line : NativeSection.lines()) out.println("  " + line);
        out.flush();
        return 0;
    }
}
