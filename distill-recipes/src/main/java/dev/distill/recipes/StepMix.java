package dev.distill.recipes;

/**
 * Which optimiser steps train on the pre-training corpus: step s (1-based) does when floor(s f) >
 * floor((s - 1) f) for the corpus fraction f. The corpus steps are spread evenly and the count of
 * each kind before any step is a formula, so a resumed run picks up the data exactly where an
 * uninterrupted one would be, without replaying the schedule.
 */
public record StepMix(double corpusFraction) {
    public StepMix {
        if (!(corpusFraction >= 0 && corpusFraction < 1)) {
            throw new IllegalArgumentException(
                    "corpus fraction must be in [0, 1), got " + corpusFraction);
        }
    }

    public boolean isCorpusStep(long step) {
        return corpusStepsThrough(step) > corpusStepsThrough(step - 1);
    }

    /** Corpus steps among steps 1..step. */
    public long corpusStepsThrough(long step) {
        return (long) Math.floor(step * corpusFraction);
    }

    /** Instruction (SFT) steps among steps 1..step. */
    public long sftStepsThrough(long step) {
        return step - corpusStepsThrough(step);
    }
}
