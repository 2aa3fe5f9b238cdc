package dev.attune.dataset;

import java.io.FilterInputStream;
import java.io.FilterReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;

/**
 * Bounds on what an upload may expand to, checked while streaming so that memory stays bounded: the
 * decompressed size (a gzip bomb is refused with 413 as soon as it passes the limit) and the length
 * of one line (a file without line breaks would otherwise be parsed as one huge field).
 */
final class BoundedInput {

    private BoundedInput() {
    }

    /** Counts bytes read; past {@code limit} it throws a 413 problem. */
    static InputStream size(InputStream in, long limit) {
        return new FilterInputStream(in) {
            private long count;

            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    count(1);
                }
                return b;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                int n = super.read(buffer, offset, length);
                if (n > 0) {
                    count(n);
                }
                return n;
            }

            private void count(int n) {
                count += n;
                if (count > limit) {
                    throw DatasetProblems.decompressedTooLarge(limit);
                }
            }
        };
    }

    /** Fails with a 400 problem naming the line once a line exceeds {@code maxChars}. */
    static Reader lineLength(Reader in, int maxChars) {
        return new FilterReader(in) {
            private long line = 1;
            private int length;

            @Override
            public int read() throws IOException {
                int c = super.read();
                if (c >= 0) {
                    see((char) c);
                }
                return c;
            }

            @Override
            public int read(char[] buffer, int offset, int count) throws IOException {
                int n = super.read(buffer, offset, count);
                for (int i = 0; i < n; i++) {
                    see(buffer[offset + i]);
                }
                return n;
            }

            private void see(char c) {
                if (c == '\n') {
                    line++;
                    length = 0;
                } else if (++length > maxChars) {
                    throw DatasetProblems.lineTooLong(line, maxChars);
                }
            }
        };
    }
}
