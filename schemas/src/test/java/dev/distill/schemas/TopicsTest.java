package dev.distill.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import org.junit.jupiter.api.Test;

class TopicsTest {

    @Test
    void namesAreUnique() {
        assertEquals(Topics.ALL.size(), new HashSet<>(Topics.ALL).size(), Topics.ALL::toString);
    }

    @Test
    void namesShareThePlatformPrefix() {
        // A shared prefix lets ACLs and retention policies target the platform's topics at once.
        Topics.ALL.forEach(t -> assertTrue(t.startsWith("distill."), t));
    }

    @Test
    void allListsEveryConstant() {
        assertEquals(5, Topics.ALL.size());
        assertTrue(Topics.ALL.contains(Topics.DEAD_LETTERS));
    }
}
