package dev.attune.model;

import dev.attune.modeling.ServingPrecision;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/**
 * What to import: an already fine-tuned classifier.
 *
 * @param source an absolute path under attune.models.import-roots, or a Hub id org/name[@revision]
 * @param name a display name (default: the directory or repository name)
 * @param revision a Hub branch, tag or commit (default main)
 * @param servingPrecision this model's own serving precision (auto, fp32, int8, bf16); default: the node's
 *     attune.predict.precision
 * @param textPair true for a sentence-pair classifier (an NLI or paraphrase cross-encoder): /predict then takes
 *     each text's pair; default: as the checkpoint's config.json says (attune_text_pair, which attune's
 *     downloads of a pair model carry), else false
 * @param baseModel for a PEFT LoRA adapter: the base it runs over (a registered model id, a path under the import
 *     roots or a Hub id); default its adapter_config.json's base_model_name_or_path
 */
record ImportModelRequest(
        @Schema(example = "distilbert/distilbert-base-uncased-finetuned-sst-2-english") @NotBlank @Size(max = 1024)
        String source,
        @Schema(example = "sst2") @Size(max = 255) String name,
        @Schema(example = "main") @Size(max = 255) String revision,
        @Schema(example = "int8") ServingPrecision servingPrecision,
        @Schema(example = "false") Boolean textPair,
        @Schema(example = "sentence-transformers/all-MiniLM-L6-v2") @Size(max = 1024) String baseModel) {
}
