package dev.attune.model;

import jakarta.validation.constraints.NotBlank;

/**
 * @param source an absolute path under attune.models.import-roots, or a Hub id org/name[@revision]
 * @param name a display name (default: the directory or repository name)
 * @param revision a Hub branch, tag or commit (default main)
 */
record ImportModelRequest(@NotBlank String source, String name, String revision) {
}
