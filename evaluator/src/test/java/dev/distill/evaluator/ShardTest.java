package dev.distill.evaluator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class ShardTest {

    @Test
    void everyVersionHasExactlyOneOwningShard() {
        for (int count = 1; count <= 4; count++) {
            int n = count;
            LongStream.rangeClosed(0, 40)
                    .forEach(
                            v ->
                                    assertEquals(
                                            1,
                                            IntStream.range(0, n)
                                                    .filter(i -> new Shard(i, n).owns(v))
                                                    .count(),
                                            "v" + v + " of " + n + " shards"));
        }
    }

    @Test
    void aSingleEvaluatorKeepsItsIdsAndShardsGetTheirOwn() {
        assertEquals("", Shard.ALL.idSuffix());
        assertEquals("-shard-1-of-3", new Shard(1, 3).idSuffix());
        assertTrue(Shard.ALL.owns(7));
    }

    @Test
    void rejectsAShardOutsideItsCount() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> new Shard(2, 2));
        assertTrue(e.getMessage().contains("not shard 2 of 2"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Shard(0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Shard(-1, 2));
    }
}
