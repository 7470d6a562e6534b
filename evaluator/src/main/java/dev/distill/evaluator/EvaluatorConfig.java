package dev.distill.evaluator;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "distill.evaluator")
public interface EvaluatorConfig {

    /** Held-out prompts scored per checkpoint; bounds evaluation time. Must be positive. */
    @WithDefault("200")
    int heldOutLimit();
}
