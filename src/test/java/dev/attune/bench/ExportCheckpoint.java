package dev.attune.bench;

import java.nio.file.Path;

import ai.djl.Device;
import dev.attune.modeling.ClassifierModel;

/** Loads a checkpoint through attune and saves it as attune exports models: java ... SOURCE_DIR TARGET_DIR. */
public final class ExportCheckpoint {

    public static void main(String[] args) throws Exception {
        try (ClassifierModel model = ClassifierModel.load(Path.of(args[0]).toAbsolutePath(), Device.cpu())) {
            model.save(Path.of(args[1]).toAbsolutePath());
        }
    }
}
