package dev.distill.data.suite;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The tests' WordNet subset (src/test/resources/data/wordnet, extracted by make_fixture.py) and a
 * suite config sized for it.
 */
final class Fixture {
    private Fixture() {}

    static Path wordNet() {
        try {
            return Path.of(Fixture.class.getResource("/data/wordnet/data.noun").toURI())
                    .getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static SuiteConfig config(long seed) {
        return new SuiteConfig(
                seed,
                400,
                1200,
                28,
                28,
                0.1,
                32,
                24,
                Map.of(
                        "sort-words",
                        200,
                        "count-words",
                        100,
                        "number-words",
                        200,
                        "arithmetic",
                        200,
                        "choice-meaning",
                        100,
                        "choice-kind",
                        100));
    }
}
