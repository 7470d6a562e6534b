package dev.distill.core.data;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * The numbered lines of a UTF-8 text file, plain or gzip-compressed. Compression is recognised by
 * the gzip magic bytes rather than the file name, so a renamed file still reads. Decoding is
 * strict: a byte sequence that is not UTF-8 is reported with its line instead of silently becoming
 * U+FFFD.
 */
public final class DataLines {
    private DataLines() {}

    /** Receives each line without its terminator ("\n" or "\r\n"). */
    @FunctionalInterface
    public interface Consumer {
        void accept(long lineNumber, String line) throws IOException;
    }

    public static void forEach(Path file, Consumer consumer) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "no such data file");
        }
        CharsetDecoder utf8 =
                StandardCharsets.UTF_8
                        .newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT);
        long lineNumber = 0;
        try (InputStream in = open(file)) {
            ByteArrayOutputStream line = new ByteArrayOutputStream(256);
            boolean more = true;
            while (more) {
                int b;
                try {
                    b = in.read();
                } catch (EOFException | ZipException e) {
                    throw new MalformedDataException(
                            file,
                            lineNumber + 1,
                            "corrupt or truncated gzip data (" + e.getMessage() + ")",
                            e);
                }
                if (b == -1 && line.size() == 0) {
                    break;
                }
                more = b != -1;
                if (b != '\n' && b != -1) {
                    line.write(b);
                    continue;
                }
                lineNumber++;
                byte[] bytes = line.toByteArray();
                int length =
                        bytes.length > 0 && bytes[bytes.length - 1] == '\r'
                                ? bytes.length - 1
                                : bytes.length;
                String text;
                try {
                    text = utf8.decode(ByteBuffer.wrap(bytes, 0, length)).toString();
                    if (lineNumber == 1 && text.startsWith("\uFEFF")) {
                        text =
                                text.substring(
                                        1); // a byte-order mark some editors write; not content
                    }
                } catch (CharacterCodingException e) {
                    throw new MalformedDataException(file, lineNumber, "not valid UTF-8 text", e);
                }
                consumer.accept(lineNumber, text);
                line.reset();
            }
        }
    }

    private static InputStream open(Path file) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        if (b0 == 0x1f && b1 == 0x8b) {
            try {
                return new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16);
            } catch (IOException e) {
                in.close();
                throw new MalformedDataException(
                        file, 1, "corrupt gzip header (" + e.getMessage() + ")", e);
            }
        }
        return in;
    }
}
