package dev.attune.model;

import dev.attune.modeling.Calibration;
import java.time.Instant;
import java.util.List;

import dev.attune.modeling.ProblemType;
import dev.attune.modeling.ServingPrecision;

/**
 * A classifier attune can serve: its files are a Hugging Face checkpoint under
 * {@code <data-dir>/models/<id>}. {@code metrics} is null for imports; {@code servingPrecision} is null unless the
 * model was given its own (else the node's attune.predict.precision applies). {@code textPair}: it classifies
 * sentence pairs (trained on a pair data set, or imported as one): /predict then needs each text's pair.
 * {@code calibration}: the temperatures its served probabilities are scaled by (null: none). {@code strategy},
 * {@code trainableParameters}: how its job trained it (null for imports of plain checkpoints). {@code adapter}: a
 * LoRA model's adapter (its directory then holds the adapter in PEFT's format over a base elsewhere); null otherwise.
 */
public record RegisteredModel(String id, String name, String architecture, ProblemType problemType, List<String> labels,
        String source,
        Origin origin, String jobId, ModelMetrics metrics, int maxLength, long parameters, long sizeBytes,
        Instant createdAt, ServingPrecision servingPrecision, boolean textPair, Calibration calibration,
        String strategy, Long trainableParameters, AdapterInfo adapter) {

    public boolean isAdapter() {
        return adapter != null;
    }
}
