package dev.attune.job;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

import dev.attune.system.AttuneProperties;

import org.springframework.stereotype.Component;

/** Each job's own log, a text file under {@code <data-dir>/jobs/<id>/job.log}. */
@Component
class JobLog {

    private final Path dir;

    JobLog(AttuneProperties properties) {
        this.dir = properties.jobsDir();
    }

    Path workDir(String jobId) {
        return dir.resolve(jobId);
    }

    synchronized void append(String jobId, String message) {
        try {
            Files.createDirectories(workDir(jobId));
            Files.writeString(workDir(jobId).resolve("job.log"), Instant.now() + " " + message + "\n",
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String read(String jobId) {
        Path file = workDir(jobId).resolve("job.log");
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
