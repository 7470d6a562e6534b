package dev.distill.core.objective;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The training objectives, selectable by name ({@code objective=minillm}). */
public enum Objective {
    /** Cross-entropy on dataset references. */
    SFT("sft"),
    /** Word-level forward KL to the teacher on teacher-forced references. */
    KD("kd"),
    /** Cross-entropy on teacher samples. */
    SEQKD("seqkd"),
    /** Reverse KL by policy gradient with single-step regularisation (the default). */
    MINILLM("minillm"),
    /** Generalised JSD with beta on on-policy student samples. */
    GKD("gkd"),
    /** DistiLLM's skew forward KL, KL(p || a p + (1 - a) q). */
    SKEW_KL("skew-kl");

    private final String id;

    Objective(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public static Objective parse(String name) {
        for (Objective o : values()) {
            if (o.id.equals(name)) {
                return o;
            }
        }
        throw new IllegalArgumentException(
                "unknown objective '"
                        + name
                        + "'; choose one of "
                        + Arrays.stream(values())
                                .map(Objective::id)
                                .collect(Collectors.joining(", ")));
    }
}
