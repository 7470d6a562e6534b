package dev.distill.cli;

import ai.djl.ndarray.NDManager;
import dev.distill.core.checkpoint.CheckpointManifest;
import dev.distill.core.checkpoint.Checkpoints;
import dev.distill.core.model.CausalLm;
import dev.distill.core.model.Family;
import dev.distill.core.model.ModelConfig;
import dev.distill.core.model.Rope;
import dev.distill.core.tokenizer.HfTokenizer;
import dev.distill.core.tokenizer.Tokenizers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "init-model",
        mixinStandardHelpOptions = true,
        description =
                "Writes a freshly initialised checkpoint of any supported family in Hugging Face's"
                    + " layout (seeded), e.g. a tiny Llama-family teacher or student for a trial"
                    + " run.")
final class InitModelCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--out", required = true, description = "new checkpoint directory")
    Path out;

    @Option(
            names = "--model-type",
            defaultValue = "gpt2",
            description = "gpt2, opt, llama, mistral, qwen2 or qwen3 (default ${DEFAULT-VALUE})")
    String modelType;

    @Option(
            names = "--tokenizer",
            description =
                    "a tokenizer.json to copy in; sets the vocabulary and, when it "
                            + "names one, the end-of-text id")
    Path tokenizer;

    @Option(names = "--vocab-size", defaultValue = "50257")
    int vocabSize;

    @Option(
            names = {"--n-positions", "--max-position-embeddings"},
            defaultValue = "256")
    int nPositions;

    @Option(
            names = {"--n-embd", "--hidden-size"},
            defaultValue = "128")
    int nEmbd;

    @Option(
            names = {"--n-layer", "--num-hidden-layers"},
            defaultValue = "4")
    int nLayer;

    @Option(
            names = {"--n-head", "--num-attention-heads"},
            defaultValue = "4")
    int nHead;

    @Option(
            names = "--num-key-value-heads",
            description = "grouped-query attention (default: = heads)")
    Integer nKvHead;

    @Option(names = "--head-dim", description = "default: hidden / heads")
    Integer headDim;

    @Option(
            names = "--intermediate-size",
            description = "MLP width (default 4 x hidden; Llama family 8/3 x hidden)")
    Integer intermediate;

    @Option(names = "--untied", description = "a separate LM head")
    boolean untied;

    @Option(names = "--rope-theta", defaultValue = "10000")
    double ropeTheta;

    @Option(
            names = "--eos-id",
            description =
                    "end-of-text id (default: the tokenizer's, 50256 for GPT-2's vocabulary, "
                            + "else none)")
    Integer eos;

    @Option(names = "--seed", defaultValue = "0")
    long seed;

    @Override
    public Integer call() throws IOException {
        Family family = Family.of(modelType);
        int vocab = vocabSize;
        Integer eosId = eos;
        if (tokenizer != null) {
            try (HfTokenizer tok = HfTokenizer.load(tokenizer)) {
                vocab = tok.vocabSize();
                eosId =
                        eosId != null
                                ? eosId
                                : tok.eosId().isPresent()
                                        ? Integer.valueOf(tok.eosId().getAsInt())
                                        : null;
            }
        }
        if (eosId == null && vocab == 50257) {
            eosId = 50256;
        }
        int head = headDim != null ? headDim : nEmbd / nHead;
        int inner =
                intermediate != null
                        ? intermediate
                        : family == Family.LLAMA ? (8 * nEmbd / 3 + 63) / 64 * 64 : 4 * nEmbd;
        boolean llama = family == Family.LLAMA;
        boolean qwen2 = modelType.equals("qwen2");
        ModelConfig cfg =
                new ModelConfig(
                        modelType,
                        vocab,
                        vocab,
                        nPositions,
                        nEmbd,
                        nLayer,
                        nHead,
                        nKvHead != null ? nKvHead : nHead,
                        head,
                        inner,
                        llama ? 1e-6 : 1e-5,
                        !untied,
                        eosId == null ? List.of() : List.of(eosId),
                        null,
                        llama ? new Rope(ropeTheta, null) : null,
                        !llama || qwen2,
                        !llama,
                        modelType.equals("qwen3"));
        try (NDManager root = NDManager.newBaseManager();
                CausalLm model = CausalLm.create(cfg, root, seed)) {
            CheckpointManifest m =
                    Checkpoints.save(
                            model, null, CheckpointManifest.of(0, null, 0, seed, null, null), out);
            if (tokenizer != null) {
                Files.copy(tokenizer, out.resolve(Tokenizers.FILE));
            }
            spec.commandLine()
                    .getOut()
                    .printf(
                            "wrote %s (%s): %,d parameters, sha256 %s%n",
                            out, modelType, cfg.parameterCount(), m.weightsSha256());
            return 0;
        }
    }
}
