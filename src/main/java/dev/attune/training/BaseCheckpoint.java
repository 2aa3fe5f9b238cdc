package dev.attune.training;

import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * The checkpoint a run starts from, as the job layer resolved it. The directory is asked for only when a
 * run starts afresh (a resumed run has its own pinned copy), so a Hub model is downloaded only then.
 *
 * @param description how the log names it (the job's baseModel)
 * @param directory the checkpoint directory: a registered model's, a path under the import roots, or a Hub snapshot
 */
public record BaseCheckpoint(String description, Supplier<Path> directory) {
}
