package dev.distill.cli.demo;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * The demo's live status. On a terminal one line is redrawn in place; otherwise (CI, a pipe, a log
 * file) a line is printed when it changes meaningfully, at most every {@value #QUIET_MILLIS} ms, so
 * logs stay readable.
 */
final class Progress {
    static final long QUIET_MILLIS = 15_000;
    private static final int WIDTH = 20;

    private final PrintWriter out;
    private final boolean terminal;
    private String shownKey = "";
    private long shownAt;
    private int shownLength;

    Progress(PrintWriter out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    /** A bar such as {@code ███████░░░░░░░ 7/20}. */
    static String bar(long done, long total) {
        int filled =
                total <= 0 ? 0 : (int) Math.min(WIDTH, Math.round(WIDTH * (double) done / total));
        return "█".repeat(filled)
                + "░".repeat(WIDTH - filled)
                + String.format(Locale.ROOT, " %d/%d", done, total);
    }

    /**
     * Shows {@code line}. {@code key} names its state (e.g. versions trained and evaluated): off a
     * terminal a line with a new key is printed at once, one with the same key only after the quiet
     * time.
     */
    void update(String key, String line) {
        long now = System.currentTimeMillis();
        if (terminal) {
            String padded =
                    line.length() < shownLength
                            ? line + " ".repeat(shownLength - line.length())
                            : line;
            out.print("\r" + padded);
            shownLength = line.length();
            out.flush();
        } else if (!key.equals(shownKey) || now - shownAt >= QUIET_MILLIS) {
            out.println(line);
            out.flush();
            shownKey = key;
            shownAt = now;
        }
    }

    /** Ends the live line and prints a permanent one. */
    void println(String line) {
        if (terminal && shownLength > 0) {
            out.print("\r" + " ".repeat(shownLength) + "\r");
            shownLength = 0;
        }
        out.println(line);
        out.flush();
        shownKey = "";
    }
}
