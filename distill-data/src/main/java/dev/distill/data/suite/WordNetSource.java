package dev.distill.data.suite;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the WordNet files came from, for the manifest: the SHA-256 of each file read (what makes
 * the build reproducible) and, when they are Debian's wordnet-base, the package version.
 */
record WordNetSource(String debianPackage, Map<String, String> fileSha256) {
    static final Path DEBIAN_DIR = Path.of("/usr/share/wordnet");
    private static final Path DPKG_STATUS = Path.of("/var/lib/dpkg/status");

    static WordNetSource of(Path dir) throws IOException {
        Map<String, String> sha = new LinkedHashMap<>();
        for (String f : WordNet.FILES) {
            sha.put(f, FileDigest.sha256(dir.resolve(f)));
        }
        String pkg = null;
        if (dir.toAbsolutePath().normalize().equals(DEBIAN_DIR)
                && Files.isRegularFile(DPKG_STATUS)) {
            pkg = debianVersion("wordnet-base");
        }
        return new WordNetSource(pkg, sha);
    }

    /** "wordnet-base 1:3.0-37", or null when dpkg does not list the package as installed. */
    private static String debianVersion(String name) throws IOException {
        List<String> lines = Files.readAllLines(DPKG_STATUS, StandardCharsets.UTF_8);
        boolean inPackage = false;
        for (String line : lines) {
            if (line.startsWith("Package: ")) {
                inPackage = line.substring(9).trim().equals(name);
            } else if (inPackage && line.startsWith("Version: ")) {
                return name + " " + line.substring(9).trim();
            }
        }
        return null;
    }
}
