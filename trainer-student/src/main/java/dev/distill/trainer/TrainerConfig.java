package dev.distill.trainer;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "distill.trainer")
public interface TrainerConfig {

    /** Where student checkpoints are written; relative paths resolve against the working directory. */
    @WithDefault("runs/checkpoints")
    String checkpointDir();
}
