package dev.distill.cli;

import dev.distill.data.suite.Split;
import dev.distill.data.suite.SuiteBuilder;
import dev.distill.data.suite.SuiteConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Builds the bundled task suite (data/suite) from WordNet. The output is a function of the WordNet
 * files and the options, so re-running the recipe recorded in MANIFEST.json reproduces the files.
 */
@Command(
        name = "build-data",
        mixinStandardHelpOptions = true,
        description = {
            "Builds the bundled instruction-following task suite from WordNet 3.0:"
                    + " train/validation/test",
            "JSONL (gzip), a pre-training corpus, tokenizer.json, MANIFEST.json and LICENSES.md."
        })
final class BuildDataCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--out", required = true, description = "output directory, e.g. data/suite")
    Path out;

    @Option(names = "--seed", defaultValue = "0", description = "default: ${DEFAULT-VALUE}")
    long seed;

    @Option(
            names = "--wordnet",
            defaultValue = "/usr/share/wordnet",
            description =
                    "WordNet 3.0 dictionary directory (Debian: apt-get install wordnet-base);"
                            + " default: ${DEFAULT-VALUE}")
    Path wordNet;

    @Option(names = "--lexicon-size", description = "words the tasks ask about (default 3000)")
    Integer lexiconSize;

    @Option(names = "--vocab-size", description = "ids in tokenizer.json (default 4096)")
    Integer vocabSize;

    @Option(
            names = "--held-out",
            description = "items in each of test and validation (default 500)")
    Integer heldOut;

    @Override
    public Integer call() throws Exception {
        PrintWriter o = spec.commandLine().getOut();
        SuiteConfig d = SuiteConfig.defaults(seed);
        SuiteConfig cfg =
                new SuiteConfig(
                        seed,
                        lexiconSize != null ? lexiconSize : d.lexiconSize(),
                        vocabSize != null ? vocabSize : d.vocabularySize(),
                        heldOut != null ? heldOut : d.testSize(),
                        heldOut != null ? heldOut : d.validationSize(),
                        d.choiceFraction(),
                        d.maxPromptTokens(),
                        d.maxResponseTokens(),
                        d.trainCaps());
        long t0 = System.nanoTime();
        SuiteBuilder.Result r =
                SuiteBuilder.build(
                        wordNet,
                        out,
                        cfg,
                        line -> {
                            o.println(line);
                            o.flush();
                        });
        o.printf("%-16s %7s %10s %6s%n", "family", "train", "validation", "test");
        int[] totals = new int[Split.values().length];
        for (Map.Entry<String, Map<Split, Integer>> e : r.counts().entrySet()) {
            Map<Split, Integer> c = e.getValue();
            o.printf(
                    "%-16s %7d %10d %6d%n",
                    e.getKey(), c.get(Split.TRAIN), c.get(Split.VALIDATION), c.get(Split.TEST));
            for (Split s : Split.values()) {
                totals[s.ordinal()] += c.get(s);
            }
        }
        o.printf(
                "%-16s %7d %10d %6d%n",
                "total",
                totals[Split.TRAIN.ordinal()],
                totals[Split.VALIDATION.ordinal()],
                totals[Split.TEST.ordinal()]);
        o.printf(
                "corpus: %,d documents; vocabulary: %,d tokens%n",
                r.corpusDocuments(), r.vocabularySize());
        long bytes = 0;
        for (Map.Entry<String, Long> e : r.fileBytes().entrySet()) {
            o.printf("  %-20s %,10d bytes%n", e.getKey(), e.getValue());
            bytes += e.getValue();
        }
        o.printf("wrote %s (%,d bytes) in %.1f s%n", out, bytes, (System.nanoTime() - t0) / 1e9);
        o.flush();
        return 0;
    }
}
