package dev.distill.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextCorpusTest {
    @TempDir Path tmp;

    @Test
    void everyNonBlankLineIsADocument() throws IOException {
        Path f = DataFiles.plain(tmp, "c.txt", "the cat sat.\n\n  a dog barked.  \n");
        assertEquals(
                List.of("the cat sat.", "a dog barked."),
                TextCorpus.read(f, TextCorpus.Separator.LINE));
    }

    @Test
    void aByteOrderMarkIsNotPartOfTheFirstDocument() throws IOException {
        Path f = DataFiles.plain(tmp, "c.txt", "\uFEFFfirst\nsecond\n");
        assertEquals(List.of("first", "second"), TextCorpus.read(f, TextCorpus.Separator.LINE));
    }

    @Test
    void blankLinesSeparateParagraphDocuments() throws IOException {
        Path f = DataFiles.gzip(tmp, "c.txt.gz", "first line\nsecond line\n\n\nnext document\n");
        assertEquals(
                List.of("first line\nsecond line", "next document"),
                TextCorpus.read(f, TextCorpus.Separator.BLANK_LINE));
    }

    @Test
    void reportsAControlCharacterWithLineAndColumn() throws IOException {
        Path f = DataFiles.plain(tmp, "c.txt", "fine\nbro\u0000ken\n");
        var e =
                assertThrows(
                        MalformedDataException.class,
                        () -> TextCorpus.read(f, TextCorpus.Separator.LINE));
        assertEquals(2, e.line());
        assertTrue(e.getMessage().contains("control character U+0000 at column 4"), e.getMessage());
    }

    @Test
    void anEmptyCorpusIsAnError() throws IOException {
        Path f = DataFiles.plain(tmp, "c.txt", "\n  \n");
        var e =
                assertThrows(
                        IOException.class, () -> TextCorpus.read(f, TextCorpus.Separator.LINE));
        assertTrue(e.getMessage().contains("no documents"), e.getMessage());
    }

    @Test
    void aMissingFileSaysSo() {
        var e =
                assertThrows(
                        IOException.class,
                        () -> TextCorpus.read(tmp.resolve("nope.txt"), TextCorpus.Separator.LINE));
        assertTrue(e.getMessage().contains("nope.txt"), e.getMessage());
    }
}
