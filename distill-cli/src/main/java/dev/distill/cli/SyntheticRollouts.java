package dev.distill.cli;

import dev.distill.core.data.Rollout;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Valid rollouts with random tokens and plausible scores, for measuring the trainer's speed (the
 * arithmetic does not depend on the values) without a teacher in the loop.
 */
final class SyntheticRollouts {
    private SyntheticRollouts() {}

    static List<Rollout> make(int vocab, int n, int promptLen, int responseLen, int k, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<Rollout> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int[] prompt = rng.ints(promptLen, 0, vocab).toArray();
            int[] response = rng.ints(responseLen, 0, vocab).toArray();
            float[] lp = new float[responseLen];
            float[] lq = new float[responseLen];
            float[] tail = new float[responseLen];
            int[][] ids = new int[responseLen][];
            float[][] sLp = new float[responseLen][];
            for (int t = 0; t < responseLen; t++) {
                lp[t] = (float) -(0.1 + 4 * rng.nextDouble());
                lq[t] = (float) -(0.1 + 4 * rng.nextDouble());
                LinkedHashSet<Integer> s = new LinkedHashSet<>();
                while (s.size() < Math.min(2 * k - rng.nextInt(k / 2 + 1), vocab)) {
                    s.add(rng.nextInt(vocab));
                }
                ids[t] = s.stream().mapToInt(Integer::intValue).toArray();
                sLp[t] = new float[ids[t].length];
                for (int j = 0; j < ids[t].length; j++) {
                    sLp[t][j] = (float) Math.log(0.5 / ids[t].length);
                }
                tail[t] = (float) Math.log(0.5);
            }
            out.add(
                    new Rollout(
                            "synthetic-" + i,
                            "p" + i,
                            "bench",
                            Rollout.Kind.SAMPLED,
                            prompt,
                            response,
                            0,
                            "synthetic",
                            0.2,
                            seed,
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
