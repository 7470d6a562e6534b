package dev.distill.trainer;

import dev.distill.core.data.Rollout;
import dev.distill.core.train.StudentTrainer;
import dev.distill.platform.kafka.TransientFailureException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Trains a prepared round. A round whose training throws is not retried as it is (it would throw
 * again after every restart, and the service would stop for good): the parent weights are put back,
 * each rollout's loss is computed alone, the ones that throw or give a non-finite loss are
 * dead-lettered with the reason, and the round is trained once more on the rest. If every rollout
 * is fine alone, the failure is the round's (a diverging learning rate, a full disk), not a
 * record's, and it is rethrown. The live loop and replay both train through here, so a replay
 * isolates the same rollouts.
 */
final class RoundTraining {
    private static final Logger LOG = Logger.getLogger(RoundTraining.class);

    /** The trainer of the round's parent checkpoint, and how to get it back. */
    interface Attempt {
        StudentTrainer trainer();

        /** Puts the parent's weights and optimiser state back, as before a failed round. */
        void restore() throws IOException;

        StudentTrainer.Round train(List<Rollout> rollouts) throws IOException;
    }

    /** The trained round, and the round's records with any isolated rollout now a dead letter. */
    record Outcome(StudentTrainer.Round round, List<RolloutDecoder.Polled> ordered) {}

    private RoundTraining() {}

    static Outcome train(List<RolloutDecoder.Polled> ordered, Attempt attempt) throws IOException {
        try {
            return new Outcome(attempt.train(rollouts(ordered)), ordered);
        } catch (RuntimeException failure) {
            TransientFailureException.rethrowIfTransient(failure);
            LOG.warnf(
                    "a round of %d records failed (%s); looking for the rollouts that cause it",
                    ordered.size(), failure.getMessage());
            attempt.restore();
            List<RolloutDecoder.Polled> isolated = new ArrayList<>(ordered.size());
            int found = 0;
            for (RolloutDecoder.Polled p : ordered) {
                String why =
                        p.rollout() == null ? null : untrainable(attempt.trainer(), p.rollout());
                if (why == null) {
                    isolated.add(p);
                    continue;
                }
                found++;
                isolated.add(
                        p.rejected(
                                "rollout "
                                        + p.rollout().rolloutId()
                                        + " cannot be trained: "
                                        + why
                                        + " (its round failed with: "
                                        + failure.getMessage()
                                        + ")"));
            }
            if (found == 0) {
                LOG.error("no rollout of the round fails alone: the round's failure stands");
                throw failure;
            }
            return new Outcome(attempt.train(rollouts(isolated)), isolated);
        }
    }

    static List<Rollout> rollouts(List<RolloutDecoder.Polled> ordered) {
        return ordered.stream()
                .filter(p -> p.rollout() != null)
                .map(RolloutDecoder.Polled::rollout)
                .toList();
    }

    /** Why {@code r} cannot be trained alone at the parent's weights, or null if it can. */
    private static String untrainable(StudentTrainer trainer, Rollout r) {
        try {
            double loss = trainer.loss(List.of(r));
            return Double.isFinite(loss) ? null : "its loss alone is " + loss;
        } catch (RuntimeException e) {
            TransientFailureException.rethrowIfTransient(e);
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }
}
