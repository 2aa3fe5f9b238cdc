package dev.attune.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.attune.errors.InvalidInput;
import dev.attune.errors.NotFound;
import dev.attune.modeling.LoraFiles;
import dev.attune.modeling.onnx.OnnxExport;
import dev.attune.system.Problems;

import org.springframework.stereotype.Component;

/**
 * A model's downloads, by format. A plain checkpoint and a PEFT adapter are the model's own files, zipped as they
 * are sent; an ONNX export and a LoRA model's merged checkpoint must be built (the whole model in memory), so they
 * are built once ({@link DownloadCache}: at most a few at once) and sent from the cached zip.
 */
@Component
class ModelDownloads {

    enum Format {
        CHECKPOINT("checkpoint"), PEFT("peft"), ONNX("onnx"), ONNX_INT8("onnx-int8");

        final String id;

        Format(String id) {
            this.id = id;
        }

        static Format of(String id) {
            for (Format format : values()) {
                if (format.id.equals(id)) {
                    return format;
                }
            }
            throw new InvalidInput("Unknown download format", "format '" + Problems.echo(id) + "' is not one of "
                    + "checkpoint, peft, onnx, onnx-int8. Ask for one of those (default checkpoint).");
        }
    }

    /** Writes a download's bytes once nothing that could fail with a problem answer is left. */
    @FunctionalInterface
    interface Body {
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * A download ready to send.
     *
     * @param length its bytes; -1 when that is only known once it is written
     */
    record Download(String fileName, long length, Body body) {
    }

    private final ModelRepository repository;
    private final ModelFiles files;
    private final AdapterModels adapters;
    private final DownloadCache cache;

    ModelDownloads(ModelRepository repository, ModelFiles files, AdapterModels adapters, DownloadCache cache) {
        this.repository = repository;
        this.files = files;
        this.adapters = adapters;
        this.cache = cache;
    }

    Download download(String id, String formatId) throws IOException {
        RegisteredModel model = repository.findById(id).orElseThrow(() -> NotFound.of("Model", id));
        Format format = Format.of(formatId);
        String fileName = model.name().replaceAll("[^A-Za-z0-9._-]+", "-")
                + (format == Format.CHECKPOINT ? "" : "-" + format.id) + ".zip";
        Path dir = files.pathOf(id);
        return switch (format) {
            case CHECKPOINT -> model.isAdapter()
                    ? cached(model, format, fileName, file -> adapters.writeMergedZip(id, file))
                    : new Download(fileName, -1, out -> files.zip(id, out));
            case PEFT -> {
                if (!model.isAdapter()) {
                    throw new InvalidInput("Not a LoRA model", "Model '" + id + "' is a plain checkpoint (strategy "
                            + model.strategy() + "); format=peft is for LoRA models. Ask for format=checkpoint.");
                }
                yield new Download(fileName, -1, out -> adapters.zipPeft(model, out));
            }
            case ONNX -> cached(model, format, fileName, file -> OnnxZip.write(dir, OnnxExport.Weights.FP32, file));
            case ONNX_INT8 -> cached(model, format, fileName,
                    file -> OnnxZip.write(dir, OnnxExport.Weights.INT8, file));
        };
    }

    /** The cached zip, built first if need be, opened before anything is sent (so a failure is still a problem). */
    private Download cached(RegisteredModel model, Format format, String fileName, DownloadCache.Build build)
            throws IOException {
        for (int attempt = 0; ; attempt++) {
            FileChannel channel;
            try {
                channel = FileChannel.open(cache.get(model.id(), format.id, inputsOf(model), build));
            } catch (NoSuchFileException e) { // replaced by a newer build, or the model deleted meanwhile
                if (attempt < 2 && repository.findById(model.id()).isPresent()) {
                    continue;
                }
                throw NotFound.of("Model", model.id());
            }
            if (repository.findById(model.id()).isEmpty()) { // deleted while it was built: the build is a leftover
                channel.close();
                cache.evict(model.id());
                throw NotFound.of("Model", model.id());
            }
            long length = channel.size();
            return new Download(fileName, length, out -> {
                try (InputStream in = Channels.newInputStream(channel)) {
                    in.transferTo(out);
                }
            });
        }
    }

    /** What a build reads: the model's directory and, for a LoRA model, its base's. */
    private List<Path> inputsOf(RegisteredModel model) {
        Path dir = files.pathOf(model.id());
        List<Path> inputs = new ArrayList<>(List.of(dir));
        Path base = model.isAdapter() ? LoraFiles.baseDirOf(dir) : null;
        if (base != null && Files.isDirectory(base)) {
            inputs.add(base);
        }
        return inputs;
    }
}
