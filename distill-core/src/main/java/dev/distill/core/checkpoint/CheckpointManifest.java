package dev.distill.core.checkpoint;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * checkpoint.json: what a checkpoint is and where it came from. The weights hash covers the exact
 * bytes of model.safetensors, which are written deterministically, so two runs that reach the same
 * weights produce the same hash.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record CheckpointManifest(
        @JsonProperty("format_version") int formatVersion,
        @JsonProperty("version") long version,
        @JsonProperty("parent_version") Long parentVersion,
        @JsonProperty("step") long step,
        @JsonProperty("seed") Long seed,
        @JsonProperty("config_hash") String configHash,
        @JsonProperty("weights_sha256") String weightsSha256,
        @JsonProperty("optimizer_sha256") String optimizerSha256,
        @JsonProperty("lineage") JsonNode lineage,
        @JsonProperty("created_at") String createdAt) {

    public static final int FORMAT_VERSION = 1;

    /** What the writer supplies; hashes, format version and time are filled in when saving. */
    public static CheckpointManifest of(
            long version,
            Long parentVersion,
            long step,
            Long seed,
            String configHash,
            JsonNode lineage) {
        return new CheckpointManifest(
                FORMAT_VERSION,
                version,
                parentVersion,
                step,
                seed,
                configHash,
                null,
                null,
                lineage,
                null);
    }

    CheckpointManifest withHashes(String weights, String optimizer, String createdAt) {
        return new CheckpointManifest(
                formatVersion,
                version,
                parentVersion,
                step,
                seed,
                configHash,
                weights,
                optimizer,
                lineage,
                createdAt);
    }
}
