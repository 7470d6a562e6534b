package dev.distill.evaluator.leaderboard;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A run's place on the leaderboard: every scored checkpoint in version order and the best by
 * Rouge-L. A report for a version already present replaces it (a re-scored checkpoint), so the
 * standing does not depend on how often a report was delivered.
 */
public record RunStanding(String runId, CheckpointScore best, List<CheckpointScore> history) {

    public RunStanding {
        history = List.copyOf(history);
    }

    public static RunStanding empty(String runId) {
        return new RunStanding(runId, null, List.of());
    }

    public RunStanding with(CheckpointScore score) {
        List<CheckpointScore> next = new ArrayList<>(history.size() + 1);
        for (CheckpointScore s : history) {
            if (s.version() != score.version()) {
                next.add(s);
            }
        }
        next.add(score);
        next.sort(Comparator.comparingLong(CheckpointScore::version));
        CheckpointScore top = null;
        for (CheckpointScore s : next) {
            if (s.beats(top)) {
                top = s;
            }
        }
        return new RunStanding(runId, top, next);
    }

    public long latestVersion() {
        return history.isEmpty() ? -1 : history.get(history.size() - 1).version();
    }
}
