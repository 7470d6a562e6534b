package dev.distill.recipes;

/**
 * One instruction item as token ids: the prompt ({@code PromptTemplate.format(instruction,
 * context)}) and every acceptable response, each already ending with the end-of-text id so the
 * model learns to stop. A multi-answer item keeps all its references; each epoch trains on one of
 * them.
 */
public record SftExample(String id, int[] prompt, int[][] responses) {

    /** Prompt followed by response {@code ref}. */
    public int[] sequence(int ref) {
        int[] r = responses[ref];
        int[] seq = new int[prompt.length + r.length];
        System.arraycopy(prompt, 0, seq, 0, prompt.length);
        System.arraycopy(r, 0, seq, prompt.length, r.length);
        return seq;
    }

    /**
     * Index in {@link #sequence} of the first token whose prediction is trained: the response's
     * first.
     */
    public int lossStart() {
        return prompt.length;
    }
}
