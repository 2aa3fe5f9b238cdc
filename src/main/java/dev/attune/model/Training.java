package dev.attune.model;

import java.nio.file.Path;

/**
 * How a model's weights were trained, for its record; for a LoRA model also the base it adapts.
 *
 * @param strategy full, last_layers, head or lora; null: unknown (an import of a plain checkpoint)
 * @param trainableParameters the weights training updated; null: unknown
 * @param baseDir a LoRA model's base checkpoint on this node; null for a plain model
 * @param baseName a LoRA model's base as PEFT users name it (a Hub id or a path)
 * @param baseModelId a LoRA model's base when it is a registered model; else null
 */
public record Training(String strategy, Long trainableParameters, Path baseDir, String baseName, String baseModelId) {

    public static final Training UNKNOWN = new Training(null, null, null, null, null);
}
