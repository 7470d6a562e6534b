package dev.distill.data.suite;

/** The suite's splits, in the order held-out keys are drawn. */
public enum Split {
    TEST("test"),
    VALIDATION("validation"),
    TRAIN("train");

    private final String fileStem;

    Split(String fileStem) {
        this.fileStem = fileStem;
    }

    public String fileName() {
        return fileStem + ".jsonl.gz";
    }

    public String label() {
        return fileStem;
    }
}
