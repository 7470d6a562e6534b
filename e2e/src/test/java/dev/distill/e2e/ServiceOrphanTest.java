package dev.distill.e2e;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** A packaged service started by a process that is then killed (-9) does not outlive it. */
@Tag("integration")
class ServiceOrphanTest {
    @Test
    void aServiceWhoseParentIsKilledExitsOnItsOwn() throws Exception {
        Path work =
                Files.createDirectories(
                        Path.of("target", "orphan-" + System.currentTimeMillis()).toAbsolutePath());
        Path log = work.resolve("trainer-student.log");
        Process parent =
                new ProcessBuilder(
                                ProcessHandle.current().info().command().orElse("java"),
                                "-cp",
                                System.getProperty("java.class.path"),
                                OrphanParent.class.getName(),
                                PlatformEndToEndTest.ROOT.toAbsolutePath().toString(),
                                log.toString())
                        .redirectError(work.resolve("parent.err").toFile())
                        .start();
        long pid;
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(parent.getInputStream()))) {
            pid = Long.parseLong(out.readLine().trim());
        }
        Optional<ProcessHandle> service = ProcessHandle.of(pid);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!(Files.exists(log) && Files.readString(log).contains("Listening on"))) {
            assertTrue(System.nanoTime() < deadline, "the service never came up");
            Thread.sleep(200);
        }
        assertTrue(service.isPresent() && service.get().isAlive(), Files.readString(log));
        parent.destroyForcibly();
        assertTrue(parent.waitFor(30, TimeUnit.SECONDS));
        service.get().onExit().get(90, TimeUnit.SECONDS);
        assertFalse(
                service.get().isAlive(),
                "the service outlived its killed parent; its log:\n" + Files.readString(log));
    }
}
