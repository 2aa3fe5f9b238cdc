package dev.attune.audit;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;
import io.swagger.v3.oas.annotations.media.Schema;

import dev.attune.finetune.FineTuningConfig;
import dev.attune.job.JobStatus;

/**
 * A label audit.
 *
 * @param id its id
 * @param datasetId the audited data set
 * @param name a display name (default "label audit of" the data set's name)
 * @param folds how many folds (fold jobs)
 * @param createdAt when it was submitted
 * @param finishedAt when it ended
 * @param status RUNNING, SUCCEEDED, FAILED or CANCELLED
 * @param rankBy how suspects are ordered: self_confidence or normalized_margin, lowest first
 * @param error why it failed or was cancelled
 * @param progress how many of its fold jobs are queued, running and succeeded
 * @param foldJobs each fold's job (an ordinary job at /api/v1/jobs/{jobId}), its status and progress
 * @param labels the classes, in id order
 * @param thresholds per class, the mean probability of that class over the rows given it (cleanlab's thresholds)
 * @param confidentJoint calibrated counts: given label → label the model is confident of → rows
 * @param rows rows audited, once SUCCEEDED
 * @param suspectCount rows flagged as likely mislabelled, once SUCCEEDED
 * @param suspects the suspects asked for (offset, limit), most suspect first; absent in lists
 * @param training the fine-tuning each fold runs, every option resolved
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record AuditResponse(String id, String datasetId, String name, AuditStatus status, int folds, String rankBy,
        Instant createdAt, Instant finishedAt, String error, Progress progress, List<Fold> foldJobs,
        List<String> labels, Map<String, Double> thresholds, Map<String, Map<String, Integer>> confidentJoint,
        Integer rows, Integer suspectCount, List<AuditRepository.Suspect> suspects,
        @Schema(ref = "#/components/schemas/JobConfig") FineTuningConfig training) {

    /**
     * How far its fold jobs are.
     *
     * @param folds folds in all
     * @param queued fold jobs waiting for a worker
     * @param running fold jobs running
     * @param succeeded fold jobs that succeeded (their rows scored)
     * @param ended fold jobs that ended, however
     */
    record Progress(int folds, int queued, int running, int succeeded, int ended) {
    }

    /**
     * A fold's job.
     *
     * @param fold 1 to folds
     * @param jobId the job, at /api/v1/jobs/{jobId} (its log, metrics, events)
     * @param status the job's status
     * @param progress as the job reports it (phase, step, loss...); null before it starts
     * @param error why the job failed; null unless FAILED
     */
    record Fold(int fold, String jobId, JobStatus status,
            @Schema(ref = "#/components/schemas/JobProgress") @JsonRawValue String progress, String error) {
    }

    static AuditResponse of(AuditRepository.AuditRow audit, List<AuditRepository.FoldRow> folds,
            List<AuditRepository.Suspect> suspects) {
        List<Fold> jobs = folds.stream().map(f -> new Fold(f.fold() + 1, f.jobId(), f.status(), f.progress(),
                f.status() == JobStatus.FAILED ? f.error() : null)).toList();
        Progress progress = new Progress(audit.folds(), count(folds, JobStatus.QUEUED), count(folds, JobStatus.RUNNING),
                count(folds, JobStatus.SUCCEEDED),
                (int) folds.stream().filter(f -> f.status() == null || f.status().isFinal()).count());
        AuditRepository.AuditResult result = audit.result();
        Map<String, Double> thresholds = null;
        Map<String, Map<String, Integer>> joint = null;
        if (result != null) {
            thresholds = new LinkedHashMap<>();
            joint = new LinkedHashMap<>();
            for (int i = 0; i < audit.labels().size(); i++) {
                thresholds.put(audit.labels().get(i), result.thresholds().get(i));
                Map<String, Integer> row = new LinkedHashMap<>();
                for (int j = 0; j < audit.labels().size(); j++) {
                    row.put(audit.labels().get(j), result.confidentJoint().get(i).get(j));
                }
                joint.put(audit.labels().get(i), row);
            }
        }
        return new AuditResponse(audit.id(), audit.datasetId(), audit.name(), audit.status(), audit.folds(),
                audit.rankBy().name().toLowerCase(Locale.ROOT), audit.createdAt(), audit.finishedAt(), audit.error(),
                progress, jobs, audit.labels(), thresholds, joint, result == null ? null : result.rows(),
                result == null ? null : result.suspects(), suspects, audit.training());
    }

    private static int count(List<AuditRepository.FoldRow> folds, JobStatus status) {
        return (int) folds.stream().filter(f -> f.status() == status).count();
    }
}
