package dev.distill.schemas;

import java.util.List;

/**
 * Names of the topics the services exchange messages on.
 *
 * <p>Kept in one place so producers and consumers cannot drift apart. Services still take the
 * actual topic names from their configuration (so a deployment can rename them); these are the
 * defaults. Payload schemas are the generated classes in {@code dev.distill.schemas.avro}.
 */
public final class Topics {

    public static final String PROMPTS = "distill.prompts";
    public static final String ROLLOUTS = "distill.rollouts";
    public static final String CHECKPOINTS = "distill.checkpoints";
    public static final String EVALUATIONS = "distill.evaluations";
    public static final String DEAD_LETTERS = "distill.dead-letters";

    /** Every topic, e.g. for creating them up front; immutable. */
    public static final List<String> ALL =
            List.of(PROMPTS, ROLLOUTS, CHECKPOINTS, EVALUATIONS, DEAD_LETTERS);

    private Topics() {}
}
