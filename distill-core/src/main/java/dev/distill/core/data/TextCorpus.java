package dev.distill.core.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A pre-training corpus (the MiniLLM L_pt term) from a UTF-8 text file, plain or gzip. Documents
 * are either one per line or paragraphs separated by blank lines; the caller says which, because
 * guessing from the content would split a one-per-line file differently the day it gains an empty
 * line.
 */
public final class TextCorpus {
    public enum Separator {
        /** Every non-blank line is a document. */
        LINE,
        /** Runs of non-blank lines are documents (joined with "\n"); blank lines separate them. */
        BLANK_LINE
    }

    private TextCorpus() {}

    public static List<String> read(Path file, Separator separator) throws IOException {
        List<String> docs = new ArrayList<>();
        StringBuilder paragraph = new StringBuilder();
        DataLines.forEach(
                file,
                (n, line) -> {
                    checkCharacters(file, n, line);
                    if (line.isBlank()) {
                        if (separator == Separator.BLANK_LINE && !paragraph.isEmpty()) {
                            docs.add(paragraph.toString());
                            paragraph.setLength(0);
                        }
                    } else if (separator == Separator.LINE) {
                        docs.add(line.strip());
                    } else {
                        paragraph.append(paragraph.isEmpty() ? "" : "\n").append(line.strip());
                    }
                });
        if (!paragraph.isEmpty()) {
            docs.add(paragraph.toString());
        }
        if (docs.isEmpty()) {
            throw new IOException(file + ": no documents (the file is empty or blank)");
        }
        return docs;
    }

    /** Control characters mean a binary file or a broken export, never prose. */
    private static void checkCharacters(Path file, long n, String line)
            throws MalformedDataException {
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (Character.isISOControl(c) && c != '\t') {
                throw new MalformedDataException(
                        file,
                        n,
                        String.format(
                                "control character U+%04X at column %d; is this a text file?",
                                (int) c, i + 1));
            }
        }
    }
}
