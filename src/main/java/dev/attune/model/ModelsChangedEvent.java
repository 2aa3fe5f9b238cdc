package dev.attune.model;

/**
 * A model was registered, promoted, changed or deleted: the serving model may have to change.
 *
 * @param modelId the model whose files or serving precision changed, or that was deleted (copies of it kept loaded
 *     are dropped); null when only the choice may change (a promotion)
 */
public record ModelsChangedEvent(String modelId) {
}
