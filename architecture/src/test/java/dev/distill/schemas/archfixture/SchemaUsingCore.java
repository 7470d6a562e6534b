package dev.distill.schemas.archfixture;

/**
 * Breaks the schemas rule: the contracts module importing distill-core, as RolloutCodec once did.
 */
public final class SchemaUsingCore {
    public static Class<?> rollout() {
        return dev.distill.core.data.Rollout.class;
    }
}
