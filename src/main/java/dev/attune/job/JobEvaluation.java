package dev.attune.job;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.media.Schema;
import tools.jackson.databind.JsonNode;

/**
 * One evaluation of a job's run: stored as its latest and best metrics (without {@code best}) and sent as
 * the SSE "evaluation" event (with it), the same whether its worker runs on this node or another.
 *
 * @param step the optimizer step it followed
 * @param epoch its position in epochs, e.g. 1.5
 * @param trainLoss mean training loss since the previous evaluation
 * @param best whether it is the best so far (its weights would become the model); absent where stored
 * @param metrics the validation figures
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record JobEvaluation(long step, double epoch, double trainLoss, Boolean best,
        @Schema(ref = "#/components/schemas/EvaluationMetrics") JsonNode metrics) {

    /** As stored in the job row: which evaluation is best is told by the column it is in. */
    JobEvaluation stored() {
        return new JobEvaluation(step, epoch, trainLoss, null, metrics);
    }
}
