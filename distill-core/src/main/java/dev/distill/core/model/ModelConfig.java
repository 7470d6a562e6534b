package dev.distill.core.model;

import java.util.List;

/**
 * The hyper-parameters of any supported causal LM, whatever its family: what {@link CausalLm} is
 * built from. Read from and written to Hugging Face's {@code config.json} by {@link HfConfigs}.
 *
 * @param modelType Hugging Face {@code model_type} (gpt2, opt, llama, mistral, qwen2, qwen3)
 * @param vocabSize ids the tokenizer can produce: the width of the logits. Smaller than {@code
 *     embeddingRows} when the checkpoint pads its embedding (Qwen); the padded rows are never
 *     scored, so they carry no probability mass anywhere
 * @param embeddingRows rows of the token embedding and the LM head as stored ({@code vocab_size})
 * @param nPositions the context: {@code n_positions} / {@code max_position_embeddings}
 * @param nKvHead key/value heads (grouped-query attention); = nHead for multi-head attention
 * @param headDim size of one head; Qwen3 sets it so that heads x headDim != hidden
 * @param intermediate the MLP's inner width
 * @param eosTokenIds ids that end a generation (Llama 3 lists several); the first is the one the
 *     platform appends to references
 * @param rope rotary frequencies, or null for learned positions (GPT-2, OPT)
 * @param qkvBias biases on the q/k/v projections; {@code outBias} on the attention output
 * @param qkNorm per-head RMSNorm of q and k before the rotation (Qwen3)
 */
public record ModelConfig(
        String modelType,
        int vocabSize,
        int embeddingRows,
        int nPositions,
        int hidden,
        int nLayer,
        int nHead,
        int nKvHead,
        int headDim,
        int intermediate,
        double normEps,
        boolean tieWordEmbeddings,
        List<Integer> eosTokenIds,
        Integer bosTokenId,
        Rope rope,
        boolean qkvBias,
        boolean outBias,
        boolean qkNorm) {

    public ModelConfig {
        Family.of(modelType);
        eosTokenIds = List.copyOf(eosTokenIds);
        require(embeddingRows > 0, "vocab_size must be positive, got " + embeddingRows);
        require(
                vocabSize > 0 && vocabSize <= embeddingRows,
                "the tokenizer's vocabulary ("
                        + vocabSize
                        + ") must be positive and no larger than the embedding's "
                        + embeddingRows
                        + " rows");
        require(
                nPositions > 0,
                "the context (max_position_embeddings) must be positive, got " + nPositions);
        require(
                hidden > 0 && nHead > 0 && nLayer > 0 && headDim > 0 && intermediate > 0,
                "hidden size, heads, layers, head_dim and the MLP width must be positive, got "
                        + hidden
                        + ", "
                        + nHead
                        + ", "
                        + nLayer
                        + ", "
                        + headDim
                        + ", "
                        + intermediate);
        require(
                nKvHead > 0 && nHead % nKvHead == 0,
                "num_attention_heads ("
                        + nHead
                        + ") must be a multiple of num_key_value_heads ("
                        + nKvHead
                        + ")");
        require(normEps > 0, "the norm epsilon must be positive, got " + normEps);
        for (int id : eosTokenIds) {
            require(
                    id >= 0 && id < vocabSize,
                    "eos_token_id " + id + " is outside the vocabulary of " + vocabSize);
        }
        Family family = Family.of(modelType);
        require(
                (rope != null) == (family == Family.LLAMA),
                modelType
                        + ": rotary positions are "
                        + (family == Family.LLAMA ? "required" : "not used"));
        require(
                rope == null || headDim % 2 == 0,
                "rotary embeddings need an even head_dim, got " + headDim);
        require(
                family != Family.GPT2
                        || (nKvHead == nHead
                                && headDim * nHead == hidden
                                && qkvBias
                                && outBias
                                && !qkNorm),
                "gpt2 has multi-head attention with biases and head_dim = n_embd / n_head");
    }

    public Family family() {
        return Family.of(modelType);
    }

    /** The end-of-text id references are closed with, or null when the model names none. */
    public Integer eosTokenId() {
        return eosTokenIds.isEmpty() ? null : eosTokenIds.get(0);
    }

    public boolean isEos(int id) {
        return eosTokenIds.contains(id);
    }

    /**
     * The same model with the logits restricted to a tokenizer's {@code tokens} ids (padded
     * embeddings).
     */
    public ModelConfig withTokenizerVocabulary(int tokens) {
        return new ModelConfig(
                modelType,
                tokens,
                embeddingRows,
                nPositions,
                hidden,
                nLayer,
                nHead,
                nKvHead,
                headDim,
                intermediate,
                normEps,
                tieWordEmbeddings,
                eosTokenIds,
                bosTokenId,
                rope,
                qkvBias,
                outBias,
                qkNorm);
    }

    public ModelConfig withEos(List<Integer> ids) {
        return new ModelConfig(
                modelType,
                vocabSize,
                embeddingRows,
                nPositions,
                hidden,
                nLayer,
                nHead,
                nKvHead,
                headDim,
                intermediate,
                normEps,
                tieWordEmbeddings,
                ids,
                bosTokenId,
                rope,
                qkvBias,
                outBias,
                qkNorm);
    }

    /** Rows of the learned position table: OPT keeps two extra (its positions are offset by 2). */
    public int positionRows() {
        return family() == Family.OPT ? nPositions + 2 : nPositions;
    }

    /** Number of trainable parameters, counting a tied head once. */
    public long parameterCount() {
        long c = hidden;
        long q = (long) nHead * headDim;
        long kv = (long) nKvHead * headDim;
        long norms = family() == Family.LLAMA ? c : 2 * c;
        long attn =
                c * q
                        + 2 * c * kv
                        + q * c
                        + (qkvBias ? q + 2 * kv : 0)
                        + (outBias ? c : 0)
                        + (qkNorm ? 2L * headDim : 0);
        long mlp =
                switch (family()) {
                    case LLAMA -> 3 * c * intermediate;
                    case GPT2, OPT -> 2 * c * intermediate + intermediate + c;
                };
        long positions = rope == null ? (long) positionRows() * c : 0;
        long head = tieWordEmbeddings ? 0 : (long) embeddingRows * c;
        return (long) embeddingRows * c
                + positions
                + nLayer * (2 * norms + attn + mlp)
                + norms
                + head;
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
