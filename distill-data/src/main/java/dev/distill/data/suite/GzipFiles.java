package dev.distill.data.suite;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/**
 * Writes text files gzip-compressed, byte for byte reproducibly: Java's gzip header has no file
 * name and a zero timestamp, so equal lines give equal files (with the same zlib).
 */
final class GzipFiles {
    private GzipFiles() {}

    static void writeLines(Path file, List<String> lines) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file), 1 << 16)) {
            for (String line : lines) {
                out.write(line.getBytes(StandardCharsets.UTF_8));
                out.write('\n');
            }
        }
    }
}
