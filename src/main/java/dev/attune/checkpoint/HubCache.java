package dev.attune.checkpoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Reading the Hugging Face Hub cache layout (models--org--name/refs, snapshots/<commit>), as huggingface_hub
 * writes it, so that checkpoints Python tools downloaded are reused.
 */
final class HubCache {

    private HubCache() {
    }

    /** A snapshot already in the cache for this revision (a ref or a commit hash) with config and weights. */
    static Path completeSnapshot(Path repoDir, String rev) {
        try {
            String commit = rev;
            Path ref = repoDir.resolve("refs").resolve(rev);
            if (Files.isRegularFile(ref)) {
                commit = Files.readString(ref).trim();
            }
            Path snapshot = repoDir.resolve("snapshots").resolve(commit);
            boolean complete = Files.isRegularFile(snapshot.resolve(CheckpointDir.CONFIG))
                    && Files.isRegularFile(snapshot.resolve(CheckpointDir.TOKENIZER))
                    && (Files.isRegularFile(snapshot.resolve(CheckpointDir.WEIGHTS))
                            || Files.isRegularFile(snapshot.resolve(CheckpointDir.WEIGHTS_INDEX)));
            return complete ? snapshot : null;
        } catch (IOException e) {
            return null;
        }
    }

    static Set<String> shardsOf(Path index) {
        Set<String> shards = new LinkedHashSet<>();
        CheckpointDir.readJson(index).path("weight_map").forEach(node -> shards.add(node.asString()));
        return shards;
    }
}
