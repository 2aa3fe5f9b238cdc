package dev.attune.audit;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import dev.attune.finetune.FineTuningConfig;
import dev.attune.job.JobKind;
import dev.attune.job.JobSpec;

/**
 * One fold of a label audit, as its job stores it: train on the data set's rows outside fold {@code fold} (of
 * {@code folds}, stratified and seeded by the training seed: {@link Folds}), score the rows inside it with the best
 * weights. An ordinary job of its own kind: queued, claimed by any free worker, resumed, cancelled as any.
 *
 * @param auditId the audit it is a fold of
 * @param fold 0 to folds - 1
 * @param folds how many folds the audit has
 * @param name a display name (the audit's and the fold's)
 * @param training the fine-tuning every fold runs, resolved and checked as a job's
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record AuditFoldSpec(String auditId, int fold, int folds, String name, FineTuningConfig training)
        implements JobSpec {

    public static final JobKind KIND = new JobKind("audit_fold", AuditFoldSpec.class);

    @Override
    public int priority() {
        return training.priority();
    }

    @Override
    public JobKind kind() {
        return KIND;
    }

    @Override
    public Inputs inputs() {
        return new Inputs(training.datasetId(), null, null, training.baseModel().text());
    }
}
