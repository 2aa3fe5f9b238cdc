package dev.attune.model;

/** A model was registered, promoted or deleted: the serving model may have to change. */
public record ModelsChangedEvent(String modelId) {
}
