package dev.distill.cli.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class FeedPolicyTest {
    static final DemoRun.ProducerVersion NEVER_ASKED =
            () -> {
                throw new AssertionError("only strict mode asks the producer");
            };

    @Test
    void pipelinedModeKeepsOneRoundMoreThanTheTrainersNextInFlight() throws Exception {
        assertEquals(2, DemoRun.roundsWanted(0, 1, 20, 0, NEVER_ASKED));
        assertEquals(7, DemoRun.roundsWanted(5, 1, 20, 6, NEVER_ASKED));
        assertEquals(8, DemoRun.roundsWanted(5, 2, 20, 6, NEVER_ASKED));
        assertEquals(20, DemoRun.roundsWanted(19, 1, 20, 20, NEVER_ASKED), "never past the last");
    }

    @Test
    void strictModePublishesTheNextRoundOnlyOnceTheProducerHoldsTheNewestCheckpoint()
            throws Exception {
        assertEquals(1, DemoRun.roundsWanted(0, 0, 20, 0, () -> 0));
        assertEquals(5, DemoRun.roundsWanted(5, 0, 20, 5, () -> 4), "the producer is still at v4");
        assertEquals(6, DemoRun.roundsWanted(5, 0, 20, 5, () -> 5));
        assertEquals(6, DemoRun.roundsWanted(5, 0, 20, 6, NEVER_ASKED), "already published");
    }
}
