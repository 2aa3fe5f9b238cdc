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

    String read(String jobId) {
        Path file = file(jobId);
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
