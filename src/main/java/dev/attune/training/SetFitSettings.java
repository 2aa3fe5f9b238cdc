package dev.attune.training;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * The contrastive stage of strategy setfit. Null fields take the defaults ({@link #withDefaults}).
 *
 * @param pairsPerExample sentence pairs drawn per training example, half with an example of the same label (target
 *     1), half with one of another label (target 0), as SetFit draws them; default 20 (SetFit's num_iterations 20
 *     draws 40: one positive and one negative per example and iteration)
 */
@Schema(description = "SetFit settings (strategy setfit); every field may be left out for its default.")
public record SetFitSettings(@Schema(example = "20") @Min(2) @Max(1000) Integer pairsPerExample) {

    /** Nothing asked. */
    public static final SetFitSettings NONE = new SetFitSettings(null);

    public static final int DEFAULT_PAIRS_PER_EXAMPLE = 20;

    public SetFitSettings withDefaults() {
        return new SetFitSettings(pairsPerExample != null ? pairsPerExample : DEFAULT_PAIRS_PER_EXAMPLE);
    }
}
