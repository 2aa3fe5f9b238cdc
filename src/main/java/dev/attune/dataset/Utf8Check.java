package dev.attune.dataset;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;

/**
 * Checks the bytes of an upload as UTF-8 while they stream, counting lines, so that an invalid byte is
 * reported on its own line: the decoder behind a buffered reader fails thousands of bytes ahead of the row
 * being parsed and cannot say where. Checks the structure of each sequence (lead byte, continuation bytes).
 */
final class Utf8Check extends FilterInputStream {

    /** Invalid UTF-8 on a known line (1-based). */
    static final class InvalidUtf8 extends CharacterCodingException {

        private final long line;

        InvalidUtf8(long line) {
            this.line = line;
        }

        long line() {
            return line;
        }

        @Override
        public String getMessage() {
            return "invalid UTF-8 on line " + line;
        }
    }

    private long line = 1;
    /** Continuation bytes still expected by the current sequence. */
    private int pending;

    Utf8Check(InputStream in) {
        super(in);
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            check((byte) b);
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, length);
        for (int i = 0; i < n; i++) {
            check(buffer[offset + i]);
        }
        return n;
    }

    private void check(byte value) throws InvalidUtf8 {
        int b = value & 0xFF;
        if (pending > 0) {
            if ((b & 0xC0) != 0x80) {
                throw new InvalidUtf8(line);
            }
            pending--;
            return;
        }
        if (b == '\n') {
            line++;
        } else if (b >= 0x80) {
            if (b >= 0xC2 && b <= 0xDF) {
                pending = 1;
            } else if (b >= 0xE0 && b <= 0xEF) {
                pending = 2;
            } else if (b >= 0xF0 && b <= 0xF4) {
                pending = 3;
            } else {
                throw new InvalidUtf8(line); // a stray continuation byte, or a byte UTF-8 never uses (Latin-1 é...)
            }
        }
    }
}
