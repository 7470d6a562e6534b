package dev.distill.core.generation;

import dev.distill.core.data.Rollout;
import dev.distill.core.model.CausalLm;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * REFERENCE rollouts for word-level KD and SFT: the dataset's response, teacher-forced through the
 * teacher and the behaviour student, with the same per-token record as a sampled rollout (support
 * set = teacher top-k union student top-k, teacher scores on it, teacher tail mass).
 */
public final class ReferenceRollouts {
    private ReferenceRollouts() {}

    public record Item(String promptId, int[] promptTokens, int[] responseTokens, long seed) {}

    public static List<Rollout> score(
            CausalLm teacher,
            CausalLm behaviour,
            long behaviourVersion,
            String runId,
            List<Item> items,
            int supportK,
            String teacherName) {
        List<int[]> seqs = new ArrayList<>();
        for (Item it : items) {
            if (it.responseTokens().length == 0) {
                throw new IllegalArgumentException(
                        "prompt " + it.promptId() + " has an empty reference response");
            }
            int[] s = new int[it.promptTokens().length + it.responseTokens().length];
            System.arraycopy(it.promptTokens(), 0, s, 0, it.promptTokens().length);
            System.arraycopy(
                    it.responseTokens(),
                    0,
                    s,
                    it.promptTokens().length,
                    it.responseTokens().length);
            seqs.add(s);
        }
        List<Scorer.Scores> p = Scorer.score(teacher, seqs, supportK, true);
        List<Scorer.Scores> q = Scorer.score(behaviour, seqs, supportK, false);
        List<Rollout> out = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            Item it = items.get(i);
            int n = it.responseTokens().length;
            int first =
                    it.promptTokens().length - 1; // position predicting the first response token
            float[] lp = new float[n];
            float[] lq = new float[n];
            float[] tail = new float[n];
            int[][] ids = new int[n][];
            float[][] sLp = new float[n][];
            for (int t = 0; t < n; t++) {
                int at = first + t;
                float[] full = p.get(i).full()[at];
                lp[t] = p.get(i).nextLogProbs()[at];
                lq[t] = q.get(i).nextLogProbs()[at];
                LinkedHashSet<Integer> support = new LinkedHashSet<>();
                for (int id : p.get(i).topIds()[at]) {
                    support.add(id);
                }
                for (int id : q.get(i).topIds()[at]) {
                    support.add(id);
                }
                ids[t] = support.stream().mapToInt(Integer::intValue).toArray();
                sLp[t] = new float[ids[t].length];
                double mass = 0;
                for (int j = 0; j < ids[t].length; j++) {
                    sLp[t][j] = full[ids[t][j]];
                    mass += Math.exp(full[ids[t][j]]);
                }
                tail[t] = (float) Math.log(Math.max(1 - mass, 1e-30));
            }
            String id = runId + "/" + it.promptId() + "/v" + behaviourVersion + "/ref";
            out.add(
                    new Rollout(
                            id,
                            it.promptId(),
                            runId,
                            Rollout.Kind.REFERENCE,
                            it.promptTokens().clone(),
                            it.responseTokens().clone(),
                            behaviourVersion,
                            teacherName,
                            0.0,
                            it.seed(),
                            lp,
                            lq,
                            ids,
                            sLp,
                            tail,
                            null,
                            null));
        }
        return out;
    }
}
