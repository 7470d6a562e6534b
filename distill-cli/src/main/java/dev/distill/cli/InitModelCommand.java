package dev.distill.cli;

import ai.djl.ndarray.NDManager;
import dev.distill.core.checkpoint.CheckpointManifest;
import dev.distill.core.checkpoint.Checkpoints;
import dev.distill.core.model.CausalLm;
import dev.distill.core.model.GptConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "init-model", mixinStandardHelpOptions = true,
        description = "Writes a freshly initialised GPT-2-architecture checkpoint (GPT-2 initialisation, seeded).")
final class InitModelCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--out", required = true, description = "new checkpoint directory")
    Path out;

    @Option(names = "--vocab-size", defaultValue = "50257") int vocabSize;
    @Option(names = "--n-positions", defaultValue = "256") int nPositions;
    @Option(names = "--n-embd", defaultValue = "128") int nEmbd;
    @Option(names = "--n-layer", defaultValue = "4") int nLayer;
    @Option(names = "--n-head", defaultValue = "4") int nHead;
    @Option(names = "--eos-id", description = "end-of-text id (default: 50256 for GPT-2's vocabulary, else none)")
    Integer eos;
    @Option(names = "--seed", defaultValue = "0") long seed;

    @Override
    public Integer call() throws IOException {
        Integer eosId = eos != null ? eos : vocabSize == 50257 ? Integer.valueOf(50256) : null;
        GptConfig cfg = new GptConfig(vocabSize, nPositions, nEmbd, nLayer, nHead, null, 1e-5, true, eosId);
        try (NDManager root = NDManager.newBaseManager(); CausalLm model = CausalLm.create(cfg, root, seed)) {
            CheckpointManifest m = Checkpoints.save(model, null, CheckpointManifest.of(0, null, 0, seed, null, null), out);
            spec.commandLine().getOut().printf("wrote %s: %,d parameters, sha256 %s%n", out, cfg.parameterCount(),
                    m.weightsSha256());
            return 0;
        }
    }
}
