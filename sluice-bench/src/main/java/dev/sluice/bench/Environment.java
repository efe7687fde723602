package dev.sluice.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The machine and tool versions, for the report: figures mean nothing without them. */
public final class Environment {
    private Environment() {
    }

    static Map<String, String> describe(String nginx, String python, String requestsPython) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("CPU", cpuModel());
        env.put("cores", Runtime.getRuntime().availableProcessors() + " (client and server share them)");
        env.put("memory", memTotal());
        env.put("kernel", Workloads.firstLine(Processes.outputOrEmpty(List.of("uname", "-sr"))));
        env.put("JDK", System.getProperty("java.vm.vendor") + " " + System.getProperty("java.vm.name") + " "
                + Runtime.version() + ", harness JVM flags: "
                + (ManagementFactory.getRuntimeMXBean().getInputArguments().isEmpty() ? "none (defaults)"
                        : String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments())));
        env.put("nginx", Workloads.firstLine(Processes.outputOrEmpty(List.of(nginx, "-v")))
                .replace("nginx version: ", ""));
        env.put("curl", words(Workloads.firstLine(Processes.outputOrEmpty(List.of("curl", "--version"))), 4));
        env.put("wrk", Workloads.firstLine(Processes.outputOrEmpty(List.of("wrk", "-v"))));
        env.put("OkHttp", OkHttpFetcher.version());
        String aria2 = Workloads.firstLine(Processes.outputOrEmpty(List.of("aria2c", "--version")));
        env.put("aria2c", aria2.isBlank() ? "not installed: its rows are left out" : aria2);
        String py = python != null ? python : requestsPython;
        if (py != null) {
            env.put("Python", Workloads.firstLine(Processes.outputOrEmpty(List.of(py, "--version")))
                    + (python != null ? ", aiohttp " + Workloads.aiohttpVersion(python)
                            : ", aiohttp not installed: its rows are left out")
                    + (requestsPython != null ? ", requests " + Workloads.requestsVersion(requestsPython)
                            + " (urllib3 " + Workloads.pythonVersion(requestsPython, "urllib3") + ")"
                            : ", requests not installed: its rows are left out"));
        } else {
            env.put("Python", "neither aiohttp nor requests installed: their rows are left out");
        }
        return env;
    }

    private static String words(String line, int n) {
        String[] w = line.split("\\s+");
        return String.join(" ", java.util.Arrays.copyOf(w, Math.min(n, w.length)));
    }

    /** The CPU model from /proc/cpuinfo, or "unknown". */
    public static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).strip();
                }
            }
        } catch (IOException e) {
            // Not Linux, or /proc hidden: say so below.
        }
        return "unknown";
    }

    /** Total memory from /proc/meminfo, such as "23.5 GiB", or "unknown". */
    public static String memTotal() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    long kib = Long.parseLong(line.replaceAll("[^0-9]", ""));
                    return String.format("%.1f GiB", kib / 1024.0 / 1024.0);
                }
            }
        } catch (IOException e) {
            // Same as above.
        }
        return "unknown";
    }
}
