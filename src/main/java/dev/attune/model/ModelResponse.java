package dev.attune.model;

import dev.attune.modeling.Calibration;
import java.time.Instant;
import java.util.List;

import dev.attune.modeling.ProblemType;
import dev.attune.modeling.ServingPrecision;


/**
 * A registered model.
 *
 * @param id its id (use it as a job's baseModel, in /api/v1/models/{id}/predict...)
 * @param name a display name
 * @param architecture the transformers model_type (bert, distilbert, roberta...)
 * @param problemType what its outputs mean: single_label_classification (/predict: the most probable label),
 *     multi_label_classification (every label over its threshold) or regression (a value, one output)
 * @param labels its labels, in id order (a regression: the name of the value)
 * @param source where it came from: a path, hf://org/name@revision, or the base model of its job
 * @param origin IMPORT or JOB
 * @param jobId the job that produced it (origin JOB)
 * @param metrics what its job measured (origin JOB)
 * @param maxLength tokens per text it reads; longer texts are truncated
 * @param parameters number of weights
 * @param sizeBytes size of its files
 * @param createdAt when it was registered
 * @param servingPrecision its own serving precision; null: the node's attune.predict.precision
 * @param textPair whether it classifies sentence pairs: /predict then takes "textPair" (or "pairs")
 * @param calibration the temperature scaling fitted on part of its job's validation rows, with the expected
 *     calibration error before and after on the others; applied to served probabilities only where it lowered that
 *     error (applied, reason); null: served as the logits give them
 * @param strategy how its job trained it: full, last_layers, head or lora; null for an import of a checkpoint
 * @param trainableParameters the weights its training updated (lora: the adapter's pairs and the head); null for
 *     imports of plain checkpoints
 * @param adapter a LoRA model's adapter (rank, alpha, targets, base, adapterBytes); null for a plain model
 */
record ModelResponse(String id, String name, String architecture, ProblemType problemType, List<String> labels,
        String source, Origin origin,
        String jobId, ModelMetrics metrics, int maxLength, long parameters, long sizeBytes, Instant createdAt,
        ServingPrecision servingPrecision, boolean textPair, Calibration calibration, String strategy,
        Long trainableParameters, AdapterInfo adapter) {

    static ModelResponse of(RegisteredModel m) {
        return new ModelResponse(m.id(), m.name(), m.architecture(), m.problemType(), m.labels(), m.source(), m.origin(), m.jobId(),
                m.metrics(), m.maxLength(), m.parameters(), m.sizeBytes(), m.createdAt(), m.servingPrecision(),
                m.textPair(), m.calibration(), m.strategy(), m.trainableParameters(), m.adapter());
    }
}
