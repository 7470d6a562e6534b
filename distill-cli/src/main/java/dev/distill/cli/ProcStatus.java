package dev.distill.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** This process's memory as Linux accounts it ({@code /proc/self/status}), in MiB. */
final class ProcStatus {
    private static final Path STATUS = Path.of("/proc/self/status");

    private ProcStatus() {}

    /** Resident set size now (VmRSS). */
    static double rssMib() throws IOException {
        return mib("VmRSS");
    }

    /** Peak resident set size of the process so far (VmHWM, what ru_maxrss reports). */
    static double peakMib() throws IOException {
        return mib("VmHWM");
    }

    /** Resident anonymous memory: the Java heap and native allocations (libtorch's tensors). */
    static double rssAnonMib() throws IOException {
        return mib("RssAnon");
    }

    /** Resident file-backed pages: the mapped jars and libraries, and any memory-mapped weights. */
    static double rssFileMib() throws IOException {
        return mib("RssFile");
    }

    /**
     * VmRSS after a full collection: without it the number mostly says how much garbage the JVM let
     * pile up since its last collection, not what the process keeps.
     */
    static double rssAfterGcMib() throws IOException {
        System.gc();
        return rssMib();
    }

    private static double mib(String field) throws IOException {
        for (String line : Files.readAllLines(STATUS)) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.replaceAll("\\D+", "")) / 1024.0; // "VmRSS:  123456 kB"
            }
        }
        throw new IOException("no " + field + " line in " + STATUS);
    }
}
