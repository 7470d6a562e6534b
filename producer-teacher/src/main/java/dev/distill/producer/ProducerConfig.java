package dev.distill.producer;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

@ConfigMapping(prefix = "distill.producer")
public interface ProducerConfig {

    /** Teacher model identifier; absent means the producer runs but generates nothing. */
    Optional<String> teacherModel();

    /** Prompts sent to the teacher per request; must be positive. */
    @WithDefault("8")
    int batchSize();
}
