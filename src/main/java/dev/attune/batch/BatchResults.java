package dev.attune.batch;

import java.io.IOException;
import java.util.List;

import dev.attune.scoring.ResultsFile;
import dev.attune.scoring.ResultsPart;
import dev.attune.scoring.ResultsTarget;
import dev.attune.job.JobDirectories;
import dev.attune.job.JobLease;

import org.springframework.stereotype.Component;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.ObjectMapper;

/**
 * A batch prediction's committed results: the parts its runs wrote under its directory, as the job row records
 * them. A run commits under its lease (like its progress and metrics), so a worker that lost the job adds
 * nothing; a batch prediction from before parts reads its one legacy file.
 */
@Component
class BatchResults {

    private static final TypeReference<List<ResultsPart>> PARTS = new TypeReference<>() {
    };

    private final BatchPredictionRepository repository;
    private final JobDirectories directories;
    private final ObjectMapper mapper;

    BatchResults(BatchPredictionRepository repository, JobDirectories directories, ObjectMapper mapper) {
        this.repository = repository;
        this.directories = directories;
        this.mapper = mapper;
    }

    /** Where the run holding {@code lease} writes; a refused commit also marks the lease lost. */
    ResultsTarget target(JobLease lease) throws IOException {
        String id = lease.jobId();
        return new ResultsTarget(directories.of(id), committed(id), parts -> {
            if (repository.recordResults(id, lease.owner(), mapper.writeValueAsString(parts))) {
                return true;
            }
            lease.lose();
            return false;
        });
    }

    /** The job's committed rows, each once, in row-index order. */
    ResultsFile.Rows read(String id) throws IOException {
        return ResultsFile.read(directories.of(id), committed(id));
    }

    private List<ResultsPart> committed(String id) throws IOException {
        String parts = repository.results(id);
        if (parts != null) {
            return mapper.readValue(parts, PARTS);
        }
        return ResultsFile.legacy(directories.of(id)).map(List::of).orElse(List.of());
    }
}
