package dev.distill.core.data;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A data file a user brought cannot be read as its format says. The message starts with {@code
 * file:line:} (the convention compilers use, so editors jump to it) and then says what is wrong.
 */
public final class MalformedDataException extends IOException {
    private final Path file;
    private final long line;

    public MalformedDataException(Path file, long line, String reason) {
        super(file + ":" + line + ": " + reason);
        this.file = file;
        this.line = line;
    }

    public MalformedDataException(Path file, long line, String reason, Throwable cause) {
        this(file, line, reason);
        initCause(cause);
    }

    public Path file() {
        return file;
    }

    /** 1-based line number. */
    public long line() {
        return line;
    }
}
