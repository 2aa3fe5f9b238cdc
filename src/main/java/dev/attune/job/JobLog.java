package dev.attune.job;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

import org.springframework.stereotype.Component;

/** Each job's own log, a text file under {@code <data-dir>/jobs/<id>/job.log}. */
@Component
class JobLog {

    private final JobDirectories directories;

    JobLog(JobDirectories directories) {
        this.directories = directories;
    }

    private Path file(String jobId) {
        return directories.of(jobId).resolve("job.log");
    }

    synchronized void append(String jobId, String message) {
        try {
            Files.createDirectories(directories.of(jobId));
            Files.writeString(file(jobId), Instant.now() + " " + message + "\n",
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The log's size in bytes (0 before its first line). */
    long length(String jobId) {
        try {
            return Files.exists(file(jobId)) ? Files.size(file(jobId)) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    /** What was appended after the first {@code offset} bytes (whole lines: each append is one line). */
    String readFrom(String jobId, long offset) {
        try (var channel = Files.newByteChannel(file(jobId))) {
            long size = channel.size();
            if (size <= offset) {
                return "";
            }
            java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate((int) Math.min(size - offset, 1 << 20));
            channel.position(offset);
            while (buffer.hasRemaining() && channel.read(buffer) > 0) {
                // read up to the end seen above
            }
            String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
            int end = text.lastIndexOf('\n');
            return end < 0 ? "" : text.substring(0, end + 1);
        } catch (java.nio.file.NoSuchFileException e) {
            return "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String read(String jobId) {
        Path file = file(jobId);
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
