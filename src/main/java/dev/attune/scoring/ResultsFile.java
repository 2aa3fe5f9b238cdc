package dev.attune.scoring;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A batch-scoring job's results: one JSON line per input row, appended chunk by chunk. A run that resumes
 * (after a crash or a restart) keeps every complete line and continues after the last one; a line cut short
 * by the crash is dropped first.
 */
final class ResultsFile {

    private ResultsFile() {
    }

    /** The complete lines the file holds, after cutting off a partial last line; 0 when there is no file. */
    static int completeLines(Path file) throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            long end = raf.length();
            long keep = end;
            while (keep > 0) {
                raf.seek(keep - 1);
                if (raf.read() == '\n') {
                    break;
                }
                keep--;
            }
            raf.setLength(keep);
        }
        try (var lines = Files.lines(file)) {
            return (int) lines.count();
        }
    }
}
