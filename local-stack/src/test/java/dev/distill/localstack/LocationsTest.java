package dev.distill.localstack;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class LocationsTest {

    @Test
    void brokerClasspathResolvesToExistingJars() {
        List<Path> cp = Locations.kafkaClasspath();
        assertTrue(cp.stream().allMatch(Files::isRegularFile), cp.toString());
        assertTrue(
                cp.stream().anyMatch(p -> p.getFileName().toString().startsWith("kafka_2.13-")),
                cp.toString());
        assertTrue(
                cp.stream().anyMatch(p -> p.getFileName().toString().startsWith("kafka-clients-")),
                cp.toString());
        assertTrue(
                cp.stream()
                        .anyMatch(p -> p.getFileName().toString().startsWith("log4j-slf4j2-impl-")),
                cp.toString());
    }

    @Test
    void registryRunnerJarIsFound() {
        Path runner = Locations.apicurioRunnerJar();
        assertTrue(Files.isRegularFile(runner), runner.toString());
        assertTrue(Files.isDirectory(runner.resolveSibling("lib")), runner.toString());
        assertTrue(
                Locations.mainClassOf(runner).startsWith("io.quarkus"),
                Locations.mainClassOf(runner));
    }

    @Test
    void childrenRunOnThisJdk() {
        assertTrue(Files.isExecutable(Path.of(Locations.javaExecutable())));
    }
}
