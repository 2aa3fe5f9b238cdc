package dev.attune.job;

import java.nio.file.Path;

import dev.attune.system.AttuneProperties;
import dev.attune.training.RunDirectory;

import org.springframework.stereotype.Component;

/**
 * Each job's directory, {@code <data-dir>/jobs/<id>/}: its log and its run's files (a batch prediction's results
 * too, kept when the run's work files go: see {@link BatchResults}).
 */
@Component
class JobDirectories {

    private final Path root;

    JobDirectories(AttuneProperties properties) {
        this.root = properties.jobsDir();
    }

    Path of(String jobId) {
        return root.resolve(jobId);
    }

    RunDirectory run(String jobId) {
        return new RunDirectory(of(jobId));
    }
}
