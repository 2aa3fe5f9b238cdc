package dev.attune.job;

import java.nio.file.Path;

import dev.attune.system.AttuneProperties;
import dev.attune.training.RunDirectory;

import org.springframework.stereotype.Component;

/** Each job's directory, {@code <data-dir>/jobs/<id>/}: its log and its run's files. */
@Component
class JobDirectories {

    private final Path root;

    JobDirectories(AttuneProperties properties) {
        this.root = properties.jobsDir();
    }

    Path of(String jobId) {
        return root.resolve(jobId);
    }

    /** A batch-scoring job's results, one JSON line per row (kept when the run's work files go). */
    Path results(String jobId) {
        return of(jobId).resolve("results.jsonl");
    }

    RunDirectory run(String jobId) {
        return new RunDirectory(of(jobId));
    }
}
