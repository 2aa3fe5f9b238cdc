package dev.attune.finetune;

import java.util.function.Consumer;

import dev.attune.job.JobRunListener;
import dev.attune.training.EvaluationPoint;
import dev.attune.training.TrainingListener;

/**
 * A training run's reports, sent to the job that runs it: phases, steps, the log and cancellation pass through;
 * each evaluation is recorded on the job, then handed to {@code afterRecorded} (a sweep's judgement) once it was.
 * Used by every job kind that trains (fine-tuning, an audit's folds).
 */
public final class JobReporting implements TrainingListener {

    private final JobRunListener listener;
    private final Consumer<EvaluationPoint> afterRecorded;

    /** Evaluations are recorded on the job, nothing more. */
    public JobReporting(JobRunListener listener) {
        this(listener, point -> {
        });
    }

    JobReporting(JobRunListener listener, Consumer<EvaluationPoint> afterRecorded) {
        this.listener = listener;
        this.afterRecorded = afterRecorded;
    }

    @Override
    public void onPhase(Phase phase, long done, long total) {
        listener.onPhase(phase, done, total);
    }

    @Override
    public void onStep(Progress progress) {
        listener.onStep(progress);
    }

    @Override
    public void onEvaluation(EvaluationPoint point, boolean best) {
        if (listener.evaluated(point.step(), point.epoch(), point.trainLoss(), best, point.metrics())) {
            afterRecorded.accept(point);
        } // else not recorded (the job is another worker's, or the disk is full): the run stops at its next check
    }

    @Override
    public boolean cancelRequested() {
        return listener.cancelRequested();
    }

    @Override
    public void log(String message) {
        listener.log(message);
    }
}
