package dev.distill.trainer;

import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only while checkpoints can actually be written; checked on every probe, not cached. */
@Readiness
@ApplicationScoped
public class CheckpointDirReadiness implements HealthCheck {

    static final String NAME = "trainer-checkpoint-dir";

    private final CheckpointDirectory dir;

    CheckpointDirReadiness(CheckpointDirectory dir) {
        this.dir = dir;
    }

    @Override
    public HealthCheckResponse call() {
        return check(dir.path());
    }

    static HealthCheckResponse check(Path path) {
        boolean isDir = Files.isDirectory(path);
        boolean writable = isDir && Files.isWritable(path);
        var response =
                HealthCheckResponse.named(NAME)
                        .withData("checkpoint-dir", path.toString())
                        .withData("writable", writable)
                        .status(writable);
        if (!writable) {
            response.withData(
                    "reason", isDir ? "directory is not writable" : "directory does not exist");
        }
        return response.build();
    }
}
