package dev.distill.cli;

import ai.djl.ndarray.NDManager;
import dev.distill.core.checkpoint.Checkpoints;
import dev.distill.core.generation.Generator;
import dev.distill.core.generation.SamplingConfig;
import dev.distill.core.tokenizer.Tokenizer;
import dev.distill.core.tokenizer.Tokenizers;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "generate",
        mixinStandardHelpOptions = true,
        description = {
            "Loads a checkpoint directory (ours or Hugging Face's: gpt2, opt, llama, mistral,"
                    + " qwen2, qwen3) and generates.",
            "Prints the generated token ids on one line and the decoded text on the next."
        })
final class GenerateCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
            names = "--model",
            required = true,
            description = "checkpoint directory (model.safetensors + config.json)")
    Path model;

    @ArgGroup(multiplicity = "1")
    PromptInput prompt;

    static final class PromptInput {
        @Option(
                names = "--prompt",
                description = "prompt text (needs a tokenizer.json or a GPT-2 vocabulary)")
        String text;

        @Option(
                names = "--prompt-ids",
                split = ",",
                description = "prompt as comma-separated token ids")
        int[] ids;
    }

    @Option(
            names = "--max-new-tokens",
            defaultValue = "32",
            description = "default: ${DEFAULT-VALUE}")
    int maxNewTokens;

    @Option(
            names = "--temperature",
            defaultValue = "1.0",
            description = "0 = greedy; default: ${DEFAULT-VALUE}")
    double temperature;

    @Option(
            names = "--top-k",
            defaultValue = "0",
            description = "0 = off; default: ${DEFAULT-VALUE}")
    int topK;

    @Option(
            names = "--top-p",
            defaultValue = "1.0",
            description = "1 = off; default: ${DEFAULT-VALUE}")
    double topP;

    @Option(
            names = "--no-repeat-ngram",
            defaultValue = "0",
            description = "0 = off; default: ${DEFAULT-VALUE}")
    int noRepeatNgram;

    @Option(names = "--seed", defaultValue = "0", description = "default: ${DEFAULT-VALUE}")
    long seed;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        try (NDManager root = NDManager.newBaseManager();
                Checkpoints.Loaded loaded = Checkpoints.load(model, root)) {
            int vocab = loaded.model().config().vocabSize();
            Tokenizer tokenizer = null;
            IOException noTokenizer = null;
            try {
                tokenizer = Tokenizers.forCheckpoint(model, vocab);
            } catch (IOException e) {
                noTokenizer = e;
            }
            int[] ids;
            if (prompt.text != null) {
                if (tokenizer == null) {
                    throw noTokenizer;
                }
                ids = tokenizer.encode(prompt.text);
            } else {
                ids = prompt.ids;
            }
            int eos =
                    loaded.model().config().eosTokenId() != null
                            ? loaded.model().config().eosTokenId()
                            : tokenizer != null ? tokenizer.eosId().orElse(-1) : -1;
            SamplingConfig cfg =
                    new SamplingConfig(
                            temperature, topK, topP, noRepeatNgram, maxNewTokens, eos, seed);
            Generator.Generation g = Generator.generate(loaded.model(), List.of(ids), cfg).get(0);
            out.println(
                    Arrays.stream(g.tokens())
                            .mapToObj(Integer::toString)
                            .collect(Collectors.joining(",")));
            if (tokenizer != null) {
                out.println(tokenizer.decode(g.tokens()));
            } else {
                out.println();
                spec.commandLine()
                        .getErr()
                        .println("(no decoded text: " + noTokenizer.getMessage() + ")");
            }
            out.flush();
            return 0;
        }
    }
}
