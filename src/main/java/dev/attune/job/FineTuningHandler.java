package dev.attune.job;

import java.io.IOException;

import ai.djl.Device;

import dev.attune.model.ModelService;
import dev.attune.training.BaseCheckpoint;
import dev.attune.training.FineTuneOutcome;
import dev.attune.training.FineTuningService;
import dev.attune.training.TrainingListener;

import org.springframework.stereotype.Component;
import tools.jackson.databind.ObjectMapper;

/** Runs a fine-tuning job: trains from its base checkpoint, registers the model, records the test figures. */
@Component
class FineTuningHandler implements JobHandler {

    private final FineTuningService fineTuning;
    private final ModelService models;
    private final TrainedModels trainedModels;
    private final JobDirectories directories;
    private final JobRepository repository;
    private final ObjectMapper mapper;

    FineTuningHandler(FineTuningService fineTuning, ModelService models, TrainedModels trainedModels,
            JobDirectories directories, JobRepository repository, ObjectMapper mapper) {
        this.fineTuning = fineTuning;
        this.models = models;
        this.trainedModels = trainedModels;
        this.directories = directories;
        this.repository = repository;
        this.mapper = mapper;
    }

    @Override
    public JobKind kind() {
        return JobKind.TRAINING;
    }

    /** Trains, registers the model; returns its id. */
    @Override
    public String run(JobLease lease, Job job, Device device, JobRunListener listener) throws IOException {
        String id = job.id();
        JobConfig config = job.config();
        BaseCheckpoint base = new BaseCheckpoint(config.baseModel().text(), () -> models.checkpointOf(config.baseModel()));
        FineTuneOutcome result = fineTuning.run(config.spec(), base, directories.run(id), device, listener);
        listener.onPhase(TrainingListener.Phase.SAVING, 0, 0);
        String modelId = trainedModels.register(id, config, result).id();
        if (result.test() != null) {
            repository.recordTestMetrics(id, lease.owner(), mapper.writeValueAsString(result.test()));
        }
        listener.log("succeeded: model " + modelId + ", best validation " + result.result().best().metrics().summary());
        return modelId;
    }
}
