package dev.distill.schemas;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;

/**
 * BACKWARD compatibility of the current schemas against the latest released ones: a consumer built
 * with the current schema must read everything written with the released one (so a topic replayed
 * from its start still decodes). The build runs this (SchemaEvolutionTest); releasing copies {@code
 * src/main/avro} into {@code released/v<N+1>}.
 */
public final class SchemaEvolution {
    private SchemaEvolution() {}

    /** One incompatibility: which schema, and Avro's description of what breaks. */
    public record Problem(String schema, String description) {}

    public static List<Problem> check(Path released, Path current) throws IOException {
        List<Problem> problems = new ArrayList<>();
        try (Stream<Path> files = Files.list(released)) {
            for (Path old : files.filter(p -> p.toString().endsWith(".avsc")).sorted().toList()) {
                Path now = current.resolve(old.getFileName());
                if (!Files.exists(now)) {
                    problems.add(
                            new Problem(
                                    old.getFileName().toString(), "released schema was deleted"));
                    continue;
                }
                Schema writer = new Schema.Parser().parse(old.toFile());
                Schema reader = new Schema.Parser().parse(now.toFile());
                SchemaCompatibility.SchemaPairCompatibility result =
                        SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
                if (result.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
                    problems.add(
                            new Problem(
                                    old.getFileName().toString(),
                                    result.getResult().getIncompatibilities().stream()
                                            .map(
                                                    i ->
                                                            i.getType()
                                                                    + " at "
                                                                    + i.getLocation()
                                                                    + ": "
                                                                    + i.getMessage())
                                            .toList()
                                            .toString()));
                }
            }
        }
        return problems;
    }

    /** The newest {@code v<N>} directory under {@code releasedRoot}. */
    public static Optional<Path> latest(Path releasedRoot) throws IOException {
        try (Stream<Path> dirs = Files.list(releasedRoot)) {
            return dirs.filter(p -> p.getFileName().toString().matches("v\\d+"))
                    .max(
                            Comparator.comparingInt(
                                    p ->
                                            Integer.parseInt(
                                                    p.getFileName().toString().substring(1))));
        }
    }
}
