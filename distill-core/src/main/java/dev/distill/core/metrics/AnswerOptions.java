package dev.distill.core.metrics;

import dev.distill.core.data.HeldOutItem;
import dev.distill.core.data.PromptTemplate;
import dev.distill.core.generation.Scorer;
import dev.distill.core.model.CausalLm;
import dev.distill.core.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.List;

/**
 * A model's belief over a multiple-choice item's options: the likelihood of each option's text (and
 * the end-of-text after it, so an option that is a prefix of another is not favoured) as the
 * response to the prompt, renormalised over the options. Its maximum is the confidence of
 * answer-option calibration.
 */
public final class AnswerOptions {
    private AnswerOptions() {}

    /** Probabilities over {@code item.options()}, summing to 1. */
    public static double[] probabilities(
            CausalLm model,
            Tokenizer tokenizer,
            PromptTemplate template,
            HeldOutItem item,
            int eos) {
        if (!item.isMultipleChoice()) {
            throw new IllegalArgumentException("item " + item.id() + " has no answer options");
        }
        int[] prompt = tokenizer.encode(template.apply(item.instruction(), item.context()));
        List<int[]> seqs = new ArrayList<>();
        for (String option : item.options()) {
            int[] ans = tokenizer.encode(option);
            int[] s = new int[prompt.length + ans.length + (eos >= 0 ? 1 : 0)];
            System.arraycopy(prompt, 0, s, 0, prompt.length);
            System.arraycopy(ans, 0, s, prompt.length, ans.length);
            if (eos >= 0) {
                s[s.length - 1] = eos;
            }
            if (s.length > model.config().nPositions()) {
                throw new IllegalArgumentException(
                        "item "
                                + item.id()
                                + ": option \""
                                + option
                                + "\" with its prompt has "
                                + s.length
                                + " tokens, more than the model's "
                                + model.config().nPositions());
            }
            seqs.add(s);
        }
        List<Scorer.Scores> scores = Scorer.score(model, seqs, 0, false);
        double[] logLik = new double[seqs.size()];
        double max = Double.NEGATIVE_INFINITY;
        for (int o = 0; o < seqs.size(); o++) {
            float[] next = scores.get(o).nextLogProbs();
            for (int t = prompt.length - 1; t < next.length; t++) {
                logLik[o] += next[t];
            }
            max = Math.max(max, logLik[o]);
        }
        double z = 0;
        double[] p = new double[logLik.length];
        for (int o = 0; o < p.length; o++) {
            p[o] = Math.exp(logLik[o] - max);
            z += p[o];
        }
        for (int o = 0; o < p.length; o++) {
            p[o] /= z;
        }
        return p;
    }

    /**
     * Answer-option calibration over the multiple-choice items among {@code items}; null when there
     * are none.
     */
    public static Calibration.Result calibration(
            CausalLm model,
            Tokenizer tokenizer,
            PromptTemplate template,
            List<HeldOutItem> items,
            int eos) {
        List<double[]> probs = new ArrayList<>();
        List<Integer> answers = new ArrayList<>();
        for (HeldOutItem it : items) {
            if (it.isMultipleChoice()) {
                probs.add(probabilities(model, tokenizer, template, it, eos));
                answers.add(it.answer());
            }
        }
        return probs.isEmpty()
                ? null
                : Calibration.optionEce(
                        probs, answers.stream().mapToInt(Integer::intValue).toArray());
    }
}
