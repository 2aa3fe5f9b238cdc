package dev.attune.training;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.attune.files.FileTrees;
import dev.attune.modeling.ClassifierModel;
import tools.jackson.databind.json.JsonMapper;

/**
 * A run's saved progress, refreshed at every evaluation: the weights (a Hugging Face checkpoint),
 * AdamW's moments and step count, and the {@link RunState}. A job restarted after a crash continues
 * from here. Written beside the old one and swapped in, so a crash while saving leaves the previous one.
 */
public final class ResumePoint {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String STATE = "state.json";

    private final Path dir;

    public ResumePoint(Path dir) {
        this.dir = dir;
    }

    /** True when a complete resume point is saved here. */
    public boolean exists() {
        return Files.isRegularFile(dir.resolve(STATE));
    }

    /** The checkpoint to load the model from when resuming. */
    public Path modelDir() {
        return dir.resolve("model");
    }

    public long step() {
        return readState().step();
    }

    public void delete() {
        FileTrees.delete(dir);
    }

    void save(ClassifierModel model, AdamW optimizer, RunState.Snapshot state) {
        RunDirectory.replace(dir, temp -> {
            model.save(temp.resolve("model"));
            optimizer.save(temp.resolve("optimizer.safetensors"));
            Files.writeString(temp.resolve(STATE), JSON.writeValueAsString(state)); // last: marks it complete
        });
    }

    RunState.Snapshot readState() {
        try {
            return JSON.readValue(Files.readString(dir.resolve(STATE)), RunState.Snapshot.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void restoreOptimizer(AdamW optimizer) {
        optimizer.restore(dir.resolve("optimizer.safetensors"));
    }
}
