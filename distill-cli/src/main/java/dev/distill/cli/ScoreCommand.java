package dev.distill.cli;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.distill.core.checkpoint.Checkpoints;
import dev.distill.core.generation.Scorer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "score",
        mixinStandardHelpOptions = true,
        description = {
            "Teacher-forced log-probabilities of a token sequence under a model of any supported"
                    + " family, to compare with transformers.",
            "Prints one JSON object: {\"model_type\", \"ids\", \"token_logprobs\"}, where"
                    + " token_logprobs[t-1] = log p(ids[t] | ids[<t]) for t = 1..T-1."
        })
final class ScoreCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec CommandSpec spec;

    @Option(names = "--model", required = true, description = "Hugging Face model directory")
    Path model;

    @Option(
            names = "--ids",
            required = true,
            split = ",",
            description = "token ids, comma-separated (at least 2)")
    int[] ids;

    @Override
    public Integer call() throws IOException {
        if (ids.length < 2) {
            throw new IllegalArgumentException(
                    "--ids needs at least two ids: the first is only context");
        }
        try (NDManager root = NDManager.newBaseManager();
                Checkpoints.Loaded loaded = Checkpoints.load(model, root)) {
            int vocab = loaded.model().config().vocabSize();
            for (int id : ids) {
                if (id < 0 || id >= vocab) {
                    throw new IllegalArgumentException(
                            "id " + id + " is outside the model's vocabulary of " + vocab);
                }
            }
            float[] logprobs =
                    Scorer.score(loaded.model(), List.of(ids), 0, false).get(0).nextLogProbs();
            ObjectNode out = JSON.createObjectNode();
            out.put("model_type", loaded.model().config().modelType());
            ArrayNode idArray = out.putArray("ids");
            for (int id : ids) {
                idArray.add(id);
            }
            ArrayNode lp = out.putArray("token_logprobs");
            for (float v : logprobs) {
                lp.add(v);
            }
            spec.commandLine().getOut().println(JSON.writeValueAsString(out));
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
