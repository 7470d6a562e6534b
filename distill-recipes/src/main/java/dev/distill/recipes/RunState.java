package dev.distill.recipes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * What a run has done so far beyond its weights and optimiser state: tokens seen, time spent and
 * the held-out checks. Stored as the lineage of every progress checkpoint, so it is saved
 * atomically with the weights it describes and a resumed run reports totals over all its sessions.
 *
 * @param tokens real (unpadded) tokens fed to the model
 * @param trainedTokens tokens whose prediction was trained (responses, corpus windows)
 * @param trainSeconds time in optimiser steps (batch assembly, forward, backward, update)
 * @param wallSeconds time of all sessions, held-out checks and checkpoint writes included
 */
public record RunState(
        long tokens,
        long trainedTokens,
        double trainSeconds,
        double wallSeconds,
        int sessions,
        List<Point> checks) {

    /**
     * One held-out check: the mean training loss since the previous one, and the held-out scores.
     */
    public record Point(long step, double trainLoss, double heldOutLoss, double heldOutRougeL) {}

    public RunState {
        checks = List.copyOf(checks);
    }

    public static RunState fresh() {
        return new RunState(0, 0, 0, 0, 1, List.of());
    }

    /** The state a resumed session starts from: one more session. */
    public RunState resumed() {
        return new RunState(tokens, trainedTokens, trainSeconds, wallSeconds, sessions + 1, checks);
    }

    public RunState plusStep(long realTokens, long trained, double seconds) {
        return new RunState(
                tokens + realTokens,
                trainedTokens + trained,
                trainSeconds + seconds,
                wallSeconds,
                sessions,
                checks);
    }

    public RunState plusCheck(Point p) {
        List<Point> c = new ArrayList<>(checks);
        c.add(p);
        return new RunState(tokens, trainedTokens, trainSeconds, wallSeconds, sessions, c);
    }

    public RunState withWallSeconds(double seconds) {
        return new RunState(tokens, trainedTokens, trainSeconds, seconds, sessions, checks);
    }

    public ObjectNode toJson() {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("kind", "recipe-training");
        n.put("tokens", tokens);
        n.put("trained_tokens", trainedTokens);
        n.put("train_seconds", trainSeconds);
        n.put("wall_seconds", wallSeconds);
        n.put("sessions", sessions);
        var a = n.putArray("held_out_checks");
        for (Point p : checks) {
            ObjectNode o = a.addObject();
            o.put("step", p.step());
            o.put("train_loss", p.trainLoss());
            o.put("held_out_loss", p.heldOutLoss());
            o.put("held_out_rouge_l_greedy", p.heldOutRougeL());
        }
        return n;
    }

    /** Reads the lineage of a progress checkpoint; fails if it is not one of ours. */
    public static RunState fromJson(JsonNode n, String where) {
        if (n == null || !"recipe-training".equals(n.path("kind").asText())) {
            throw new IllegalArgumentException(
                    where
                            + " is not a progress checkpoint of a recipe run (its lineage is "
                            + n
                            + ")");
        }
        List<Point> checks = new ArrayList<>();
        for (JsonNode o : n.path("held_out_checks")) {
            checks.add(
                    new Point(
                            o.path("step").asLong(),
                            o.path("train_loss").asDouble(),
                            o.path("held_out_loss").asDouble(),
                            o.path("held_out_rouge_l_greedy").asDouble()));
        }
        return new RunState(
                n.path("tokens").asLong(),
                n.path("trained_tokens").asLong(),
                n.path("train_seconds").asDouble(),
                n.path("wall_seconds").asDouble(),
                n.path("sessions").asInt(1),
                checks);
    }
}
