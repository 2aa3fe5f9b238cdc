package dev.attune.finetune;

import java.io.IOException;

import ai.djl.Device;

import dev.attune.job.Job;
import dev.attune.job.JobDirectories;
import dev.attune.job.JobEnded;
import dev.attune.job.JobHandler;
import dev.attune.job.JobKind;
import dev.attune.job.JobLease;
import dev.attune.job.JobRunListener;
import dev.attune.model.ModelService;
import dev.attune.training.BaseCheckpoint;
import dev.attune.training.FineTuneOutcome;
import dev.attune.training.FineTuningService;
import dev.attune.training.RunDirectory;
import dev.attune.training.TrainingListener;
import dev.attune.work.WorkCancelledException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Runs a fine-tuning job: trains from its base checkpoint, registers the model, records the test figures. Its
 * evaluations go to the job's record, then to the {@link TrialJudge} (a sweep's), which may stop it.
 */
@Component
class FineTuningHandler implements JobHandler {

    private static final Logger log = LoggerFactory.getLogger(FineTuningHandler.class);

    private final FineTuningService fineTuning;
    private final ModelService models;
    private final TrainedModels trainedModels;
    private final JobDirectories directories;
    private final ObjectProvider<TrialJudge> judges;

    FineTuningHandler(FineTuningService fineTuning, ModelService models, TrainedModels trainedModels,
            JobDirectories directories, ObjectProvider<TrialJudge> judges) {
        this.fineTuning = fineTuning;
        this.models = models;
        this.trainedModels = trainedModels;
        this.directories = directories;
        this.judges = judges;
    }

    @Override
    public JobKind kind() {
        return FineTuningConfig.KIND;
    }

    /** Trains, registers the model; returns its id. */
    @Override
    public String run(JobLease lease, Job job, Device device, JobRunListener listener) throws IOException {
        String id = job.id();
        FineTuningConfig config = job.spec(FineTuningConfig.class);
        TrialJudge judge = judges.getIfAvailable();
        String stopped = judge == null ? null : judge.stoppedBefore(job);
        if (stopped != null) {
            listener.stop(stopped);
            throw new WorkCancelledException(stopped);
        }
        BaseCheckpoint base = new BaseCheckpoint(config.baseModel().text(), () -> models.checkpointOf(config.baseModel()));
        FineTuneOutcome result = fineTuning.run(config.spec(), base, new RunDirectory(directories.of(id)), device,
                new JobReporting(listener, point -> {
                    String stop = judge == null ? null : judge.stopAfter(job, listener.rungOf(point.step()), point);
                    if (stop != null) {
                        listener.stop(stop);
                    }
                }));
        listener.onPhase(TrainingListener.Phase.SAVING, 0, 0);
        String modelId = trainedModels.register(id, config, result).id();
        if (result.test() != null) {
            listener.recordResult(result.test());
        }
        listener.log("succeeded: model " + modelId + ", best validation " + result.result().best().metrics().summary());
        return modelId;
    }

    @Override
    public void discard(String modelId) {
        models.discard(modelId);
    }

    /**
     * An ended job needs no resume point, base copy or best weights (its model is a copy); a job taken back to the
     * queue (a shutdown, a lost node) keeps them to resume from, and publishes no end. Best effort: whoever ended
     * the job (a worker, the lease keeper, a cancel over HTTP) must not fail because a file would not go.
     */
    @EventListener
    void jobEnded(JobEnded ended) {
        try {
            new RunDirectory(directories.of(ended.jobId())).deleteWorkFiles();
        } catch (RuntimeException e) {
            log.warn("Job {} ended ({}); its work files were not all removed: {}", ended.jobId(), ended.status(),
                    e.toString());
        }
    }
}
