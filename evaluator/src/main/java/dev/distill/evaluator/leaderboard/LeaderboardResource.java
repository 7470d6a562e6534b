package dev.distill.evaluator.leaderboard;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Interactive queries over the leaderboard store. The evaluator runs as one instance (its scoring
 * loop's transactional id fences a second one), so the whole store is local.
 */
@Path("/leaderboard")
@Produces(MediaType.APPLICATION_JSON)
public class LeaderboardResource {

    /** One line of the leaderboard. */
    public record RunSummary(
            String runId, int checkpoints, long latestVersion, CheckpointScore best) {}

    private final KafkaStreams streams;

    LeaderboardResource(KafkaStreams streams) {
        this.streams = streams;
    }

    /** Every run, best Rouge-L first. */
    @GET
    public Response runs() {
        return query(
                store -> {
                    List<RunSummary> runs = new ArrayList<>();
                    try (KeyValueIterator<String, RunStanding> it = store.all()) {
                        while (it.hasNext()) {
                            RunStanding s = it.next().value;
                            runs.add(
                                    new RunSummary(
                                            s.runId(),
                                            s.history().size(),
                                            s.latestVersion(),
                                            s.best()));
                        }
                    }
                    runs.sort(
                            Comparator.comparingDouble((RunSummary r) -> r.best().rougeL())
                                    .reversed()
                                    .thenComparing(RunSummary::runId));
                    return Response.ok(Map.of("runs", runs)).build();
                });
    }

    /** A run's history (version order) and best checkpoint. */
    @GET
    @Path("/{runId}")
    public Response run(@PathParam("runId") String runId) {
        return query(
                store -> {
                    RunStanding s = store.get(runId);
                    return s == null ? unknown(runId) : Response.ok(s).build();
                });
    }

    @GET
    @Path("/{runId}/best")
    public Response best(@PathParam("runId") String runId) {
        return query(
                store -> {
                    RunStanding s = store.get(runId);
                    return s == null ? unknown(runId) : Response.ok(s.best()).build();
                });
    }

    /**
     * Runs a query on the store; 503 while Kafka Streams is starting or rebalancing and the store
     * is closed.
     */
    private Response query(Function<ReadOnlyKeyValueStore<String, RunStanding>, Response> q) {
        try {
            return q.apply(
                    streams.store(
                            StoreQueryParameters.fromNameAndType(
                                    Leaderboard.STORE,
                                    QueryableStoreTypes.<String, RunStanding>keyValueStore())));
        } catch (InvalidStateStoreException e) {
            return Response.status(Response.Status.SERVICE_UNAVAILABLE)
                    .header("Retry-After", "2")
                    .entity(
                            Map.of(
                                    "error",
                                    "the leaderboard is not queryable yet (Kafka Streams is "
                                            + streams.state()
                                            + ")"))
                    .build();
        }
    }

    private static Response unknown(String runId) {
        return Response.status(Response.Status.NOT_FOUND)
                .entity(Map.of("error", "no evaluation of run " + runId + " on the leaderboard"))
                .build();
    }
}
