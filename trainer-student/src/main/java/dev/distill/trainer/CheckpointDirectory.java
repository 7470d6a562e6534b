package dev.distill.trainer;

import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jboss.logging.Logger;

/**
 * Creates the checkpoint directory at start-up. A failure does not stop the service: the readiness
 * check reports it, so an orchestrator sees why the trainer is not taking work.
 */
@Startup
@ApplicationScoped
public class CheckpointDirectory {

    private static final Logger LOG = Logger.getLogger(CheckpointDirectory.class);

    private final Path path;

    CheckpointDirectory(TrainerConfig config) {
        this.path = Path.of(config.checkpointDir()).toAbsolutePath().normalize();
        try {
            Files.createDirectories(path);
        } catch (IOException | RuntimeException e) {
            LOG.warnf("Cannot create checkpoint directory %s: %s", path, e);
        }
    }

    public Path path() {
        return path;
    }
}
