package dev.attune.job;

import java.nio.file.Path;

import dev.attune.system.AttuneProperties;

import org.springframework.stereotype.Component;

/**
 * Each job's directory, {@code <data-dir>/jobs/<id>/}: its log ({@link JobLog}) and what its kind's work keeps
 * there (a fine-tuning run's resume point and best weights, a batch prediction's results).
 */
@Component
public class JobDirectories {

    private final Path root;

    JobDirectories(AttuneProperties properties) {
        this.root = properties.jobsDir();
    }

    public Path of(String jobId) {
        return root.resolve(jobId);
    }
}
