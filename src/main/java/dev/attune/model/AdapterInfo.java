package dev.attune.model;

import java.util.List;

/**
 * A LoRA model's adapter, as the model resource shows it.
 *
 * @param r the rank of its pairs
 * @param alpha the update's scale numerator (the update is scaled by alpha / r)
 * @param dropout dropout on the adapter's input in training
 * @param targetModules the adapted linear layers, as PEFT names them
 * @param modulesToSave the layers trained in full (the head, and the pooler where there is one)
 * @param baseModel the base it adapts: base_model_name_or_path in its adapter_config.json
 * @param baseModelId the registered model it adapts, when its base is one
 * @param adapterBytes the size of its adapter_model.safetensors (what serving it adds beside the shared base)
 */
public record AdapterInfo(int r, double alpha, double dropout, List<String> targetModules, List<String> modulesToSave,
        String baseModel, String baseModelId, long adapterBytes) {
}
