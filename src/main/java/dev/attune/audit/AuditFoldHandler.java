package dev.attune.audit;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import ai.djl.Device;

import dev.attune.dataset.DatasetRow;
import dev.attune.dataset.DatasetService;
import dev.attune.finetune.FineTuningConfig;
import dev.attune.finetune.JobReporting;
import dev.attune.job.Job;
import dev.attune.job.JobDirectories;
import dev.attune.job.JobHandler;
import dev.attune.job.JobKind;
import dev.attune.job.JobLease;
import dev.attune.job.JobRunListener;
import dev.attune.model.ModelService;
import dev.attune.modeling.ClassifierModel;
import dev.attune.training.BaseCheckpoint;
import dev.attune.training.FineTuneOutcome;
import dev.attune.training.FineTuneSpec;
import dev.attune.training.FineTuningService;
import dev.attune.training.RunDirectory;
import dev.attune.training.TrainingListener;
import dev.attune.work.WorkCancelledException;

import org.springframework.stereotype.Component;

/**
 * Runs one fold of an audit: fine-tunes (through {@link FineTuningService}, resume points and all) on the rows outside
 * the fold, scores the fold's rows with the best weights and stores their probabilities in the audit's table under the
 * job's lease. It registers no model; the run's files go when the job ends, as a fine-tuning job's.
 */
@Component
class AuditFoldHandler implements JobHandler {

    /** Texts scored per call: memory bounded whatever the fold's size. */
    private static final int SCORE_CHUNK = 256;

    private final FineTuningService fineTuning;
    private final DatasetService datasets;
    private final ModelService models;
    private final JobDirectories directories;
    private final AuditRepository audits;

    AuditFoldHandler(FineTuningService fineTuning, DatasetService datasets, ModelService models,
            JobDirectories directories, AuditRepository audits) {
        this.fineTuning = fineTuning;
        this.datasets = datasets;
        this.models = models;
        this.directories = directories;
        this.audits = audits;
    }

    @Override
    public JobKind kind() {
        return AuditFoldSpec.KIND;
    }

    @Override
    public String run(JobLease lease, Job job, Device device, JobRunListener listener) throws IOException {
        AuditFoldSpec spec = job.spec(AuditFoldSpec.class);
        FineTuningConfig config = spec.training();
        AuditRows rows = AuditRows.of(datasets.allRows(config.datasetId()));
        int[] folds = Folds.assign(rows.labelIds(), spec.folds(), config.options().seed());
        List<DatasetRow> train = new ArrayList<>();
        List<DatasetRow> heldOut = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            (folds[i] == spec.fold() ? heldOut : train).add(rows.rows().get(i));
        }
        listener.log("audit %s fold %d of %d: training on %d rows, scoring %d held-out rows".formatted(spec.auditId(),
                spec.fold() + 1, spec.folds(), train.size(), heldOut.size()));
        BaseCheckpoint base = new BaseCheckpoint(config.baseModel().text(), () -> models.checkpointOf(config.baseModel()));
        FineTuneOutcome outcome = fineTuning.run(new FineTuneSpec(config.datasetId(), null, null, config.options()),
                train, base, new RunDirectory(directories.of(job.id())), device, new JobReporting(listener));
        if (listener.cancelRequested()) {
            throw new WorkCancelledException("cancelled before scoring the held-out rows");
        }
        listener.onPhase(TrainingListener.Phase.TESTING, 0, heldOut.size());
        double[][] probs = score(outcome, config, device, heldOut, rows.labels(), listener);
        if (!audits.recordPredictions(spec.auditId(), spec.fold(), lease, heldOut, probs)) {
            throw new WorkCancelledException("this worker lost the job; its predictions were not stored");
        }
        listener.log("succeeded: %d held-out rows scored with the best weights (validation %s)".formatted(heldOut.size(),
                outcome.result().best().metrics().summary()));
        return null;
    }

    /** The held-out rows' softmax probabilities, columns in the audit's label order. */
    private static double[][] score(FineTuneOutcome outcome, FineTuningConfig config, Device device,
            List<DatasetRow> heldOut, List<String> labels, JobRunListener listener) {
        double[][] probs = new double[heldOut.size()][];
        try (ClassifierModel best = ClassifierModel.load(outcome.bestDir(), device, config.options().attention())) {
            best.usePrecision(config.options().precision());
            List<String> modelLabels = best.config().labels();
            int[] column = labels.stream().mapToInt(modelLabels::indexOf).toArray();
            boolean pairs = outcome.textPairs();
            for (int from = 0; from < heldOut.size(); from += SCORE_CHUNK) {
                List<DatasetRow> chunk = heldOut.subList(from, Math.min(heldOut.size(), from + SCORE_CHUNK));
                List<String> texts = chunk.stream().map(DatasetRow::text).toList();
                float[][] out = pairs ? best.outputs(texts, chunk.stream().map(DatasetRow::textPair).toList(),
                        outcome.maxLength()) : best.outputs(texts, outcome.maxLength());
                for (int i = 0; i < out.length; i++) {
                    double[] row = new double[labels.size()];
                    for (int c = 0; c < row.length; c++) {
                        row[c] = column[c] < 0 ? 0 : out[i][column[c]];
                    }
                    probs[from + i] = row;
                }
                listener.onPhase(TrainingListener.Phase.TESTING, from + chunk.size(), heldOut.size());
                if (listener.cancelRequested()) {
                    throw new WorkCancelledException("cancelled while scoring the held-out rows");
                }
            }
        }
        return probs;
    }
}
