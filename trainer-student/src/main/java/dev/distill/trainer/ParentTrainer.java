package dev.distill.trainer;

import ai.djl.ndarray.NDManager;
import dev.distill.core.checkpoint.CheckpointManifest;
import dev.distill.core.checkpoint.Checkpoints;
import dev.distill.core.train.PretrainCorpus;
import dev.distill.core.train.StudentTrainer;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A checkpoint made ready to train the next round from: its student, the run's L_pt data, and a
 * trainer holding the checkpoint's optimiser state. The live loop and replay open it the same way,
 * also again after a failed round.
 */
record ParentTrainer(Checkpoints.Loaded student, PretrainCorpus pretrain, StudentTrainer trainer)
        implements AutoCloseable {

    static ParentTrainer open(TrainerSettings s, Path dir, long version, NDManager root)
            throws IOException {
        Checkpoints.Loaded student = Checkpoints.load(dir, root);
        try {
            PretrainCorpus pretrain = s.loadPretrain(student.model().config());
            StudentTrainer trainer =
                    new StudentTrainer(
                            student.model(),
                            version,
                            s.trainerConfig(),
                            pretrain == null ? null : pretrain.identity());
            try {
                CheckpointManifest m = student.manifest().orElse(null);
                if (m != null && m.optimizerSha256() != null) {
                    trainer.optimizer().load(Checkpoints.readOptimizerState(dir, m));
                }
                return new ParentTrainer(student, pretrain, trainer);
            } catch (IOException | RuntimeException e) {
                trainer.close();
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            student.close();
            throw e;
        }
    }

    @Override
    public void close() {
        trainer.close();
        student.close();
    }
}
