package dev.attune.model;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/**
 * What to import: an already fine-tuned classifier.
 *
 * @param source an absolute path under attune.models.import-roots, or a Hub id org/name[@revision]
 * @param name a display name (default: the directory or repository name)
 * @param revision a Hub branch, tag or commit (default main)
 */
record ImportModelRequest(@NotBlank @Size(max = 1024) String source, @Size(max = 255) String name,
        @Size(max = 255) String revision) {
}
