package dev.distill.cli.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * Round k is trained from checkpoint k-1; a prompt published while the producer holds p is sampled
 * with at least p. So publishing up to round p+1+s keeps every rollout within staleness s.
 */
class FeedPolicyTest {
    @Test
    void strictModePublishesRoundVPlusOneOnlyOnceTheProducerHoldsV() {
        assertEquals(1, DemoRun.roundsWanted(0, 0, 20, 0));
        assertEquals(5, DemoRun.roundsWanted(4, 0, 20, 5), "the producer is still at v4");
        assertEquals(6, DemoRun.roundsWanted(5, 0, 20, 5));
    }

    @Test
    void pipelinedModeKeepsOneMoreRoundPublishedThanStrict() {
        assertEquals(2, DemoRun.roundsWanted(0, 1, 20, 0));
        assertEquals(7, DemoRun.roundsWanted(5, 1, 20, 6));
        assertEquals(8, DemoRun.roundsWanted(5, 2, 20, 6));
    }

    @Test
    void neverPastTheLastRoundNorBackNorBeforeTheProducerAnswers() {
        assertEquals(20, DemoRun.roundsWanted(19, 1, 20, 20));
        assertEquals(6, DemoRun.roundsWanted(2, 1, 20, 6), "published rounds stay published");
        assertEquals(0, DemoRun.roundsWanted(-1, 1, 20, 0), "the producer does not answer yet");
    }
}
