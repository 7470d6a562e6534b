package dev.distill.trainer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.distill.core.checkpoint.CheckpointManifest;
import dev.distill.core.checkpoint.Checkpoints;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * The prompt ids a run has trained on, and the version that trained each: a prompt id is trained
 * once per run, so a prompt published twice (or re-sampled after a producer restart) is not trained
 * twice. Read back from the {@code trained_prompts} lineage of the run's checkpoints, so a
 * restarted trainer and a replay apply the same rule as the loop did.
 */
final class TrainedPrompts {
    private static final Logger LOG = Logger.getLogger(TrainedPrompts.class);

    private final Map<String, Long> versionOf = new HashMap<>();

    /** The prompts trained by the given checkpoints of one run, oldest first. */
    static TrainedPrompts of(List<Path> checkpointDirs) throws IOException {
        TrainedPrompts out = new TrainedPrompts();
        for (Path dir : checkpointDirs) {
            CheckpointManifest m =
                    Checkpoints.readManifest(dir)
                            .orElseThrow(() -> new IOException(dir + " has no checkpoint.json"));
            JsonNode trained = m.lineage() == null ? null : m.lineage().get("trained_prompts");
            if (trained == null) {
                LOG.warnf(
                        "checkpoint %s records no trained prompts (written before the rule);"
                                + " its prompts may be trained again",
                        dir);
                continue;
            }
            trained.forEach(id -> out.versionOf.putIfAbsent(id.asText(), m.version()));
        }
        return out;
    }

    /** The version that trained {@code promptId}, or null if none has. */
    Long versionOf(String promptId) {
        return versionOf.get(promptId);
    }

    void add(List<String> promptIds, long version) {
        promptIds.forEach(id -> versionOf.putIfAbsent(id, version));
    }

    int size() {
        return versionOf.size();
    }
}
