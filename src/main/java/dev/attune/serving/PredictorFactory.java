package dev.attune.serving;

import dev.attune.checkpoint.CheckpointDir;
import dev.attune.engine.EngineInfo;
import dev.attune.model.AdapterInfo;
import dev.attune.model.ModelService;
import dev.attune.model.RegisteredModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import ai.djl.Device;

import dev.attune.modeling.AdapterOverBase;
import dev.attune.modeling.ClassifierModel;
import dev.attune.modeling.Precision;
import dev.attune.modeling.ServingPrecision;
import dev.attune.modeling.onnx.OnnxClassifier;
import dev.attune.modeling.onnx.OnnxExport;
import dev.attune.modeling.onnx.SharedInitializers;
import dev.attune.modeling.TextClassifier;
import dev.attune.system.AttuneProperties;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/** Loads a registered model for serving: the engine and precision {@link ServingEngine} chooses, its micro-batcher. */
@Component
public class PredictorFactory {

    /**
     * A registered model opened in the engine and precision serving would use.
     *
     * @param reason why that engine and precision
     * @param sharedBaseBytes for a LoRA model in ONNX Runtime, its base's weights (float32) that its session keeps
     *     packed copies of, its own (0 otherwise)
     */
    public record Opened(RegisteredModel record, TextClassifier classifier, String reason, long sharedBaseBytes) {

        Opened(RegisteredModel record, TextClassifier classifier, String reason) {
            this(record, classifier, reason, 0);
        }
    }

    private static final Logger log = LoggerFactory.getLogger(PredictorFactory.class);

    private final ModelService models;
    private final EngineInfo engine;
    private final AttuneProperties.Predict settings;
    private final DistributionSummary batchSizes;
    private final SharedBases bases;

    PredictorFactory(ModelService models, EngineInfo engine, AttuneProperties properties, MeterRegistry registry,
            SharedBases bases) {
        this.models = models;
        this.bases = bases;
        this.engine = engine;
        this.settings = properties.predict();
        this.batchSizes = DistributionSummary.builder("attune.predict.batch.size")
                .description("texts per forward pass").publishPercentileHistogram().register(registry);
    }

    Predictor load(String modelId) {
        Opened opened = open(modelId);
        log.info("Model {} serves through {} ({})", modelId, opened.classifier().engine(), opened.reason());
        return new Predictor(modelId, opened.record().servingPrecision(), opened.record().textPair(),
                opened.classifier(), opened.reason(), servedBytes(opened),
                new RequestLimits(settings.maxWindowsPerText(), settings.maxTokensPerRequest()), settings.batchSize(),
                settings.maxWait(), batchSizes::record);
    }

    /**
     * The memory a loaded model holds, estimated from its files (float32 weights) and the precision it serves in:
     * int8 a quarter, bf16 a half. An adapter's own files, and in ONNX Runtime its base's files as well (its
     * session's packed copies of the base's products; the base's weights themselves are shared, {@link SharedBases}).
     */
    static long servedBytes(Opened opened) {
        String engine = opened.classifier().engine();
        long files = opened.record().sizeBytes() + opened.sharedBaseBytes();
        return engine.contains("int8") ? files / 4 : engine.contains("bf16") ? files / 2 : files;
    }

    /**
     * The model in the engine and precision serving would use (batch scoring runs it too), its outputs checked
     * ({@link FiniteScores}); the caller closes it.
     */
    public Opened open(String modelId) {
        RegisteredModel record = models.get(modelId);
        if (record.isAdapter()) {
            return openAdapter(record);
        }
        ClassifierModel model = ClassifierModel.load(models.directoryOf(modelId), engine.defaultDevice());
        ServingEngine.Choice choice;
        TextClassifier classifier;
        try {
            choice = ServingEngine.choose(record.servingPrecision(), settings.precision(),
                    record.metrics() == null ? null : record.metrics().quantization(), engine.defaultDevice());
            classifier = ServingEngine.open(model, choice);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
        return new Opened(record, new FiniteScores(modelId, classifier), choice.reason());
    }

    /**
     * A LoRA model: on a CPU (bar bf16) its adapter merged into its base in ONNX Runtime, the base's untouched
     * weights read from one copy its other adapters share; else its adapter over the base in libtorch, the base
     * loaded once for all its adapters ({@link SharedBases}).
     */
    private Opened openAdapter(RegisteredModel record) {
        Path dir = models.directoryOf(record.id());
        AdapterOverBase.Adapter adapter = AdapterOverBase.read(dir); // read once
        Path baseDir = adapter.baseDir();
        ServingEngine.Choice choice = ServingEngine.chooseForAdapter(record.servingPrecision(), settings.precision(),
                record.metrics() == null ? null : record.metrics().quantization(), engine.defaultDevice());
        if (ServingEngine.inOnnxRuntime(choice, engine.defaultDevice())) {
            return openMergedAdapter(record, dir, baseDir, choice);
        }
        Precision precision = ServingEngine.libtorchPrecision(choice, engine.defaultDevice());
        SharedBases.Base base = bases.acquire(baseDir, engine.defaultDevice(), precision);
        try {
            return new Opened(record, new FiniteScores(record.id(), AdapterOverBase.open(adapter, base.model(),
                    base.forwardThread(), () -> bases.release(baseDir, precision))), choice.reason());
        } catch (RuntimeException e) {
            bases.release(baseDir, precision);
            throw e;
        }
    }

    private Opened openMergedAdapter(RegisteredModel record, Path dir, Path baseDir, ServingEngine.Choice choice) {
        OnnxExport.Weights kind = choice.precision() == ServingPrecision.INT8 ? OnnxExport.Weights.INT8
                : OnnxExport.Weights.FP32;
        long ownBaseBytes = packedBaseBytes(baseDir); // before anything is acquired: it may throw
        Predicate<String> ownWeight = ownWeights(record.adapter());
        SharedInitializers shared = bases.acquireWeights(baseDir, kind);
        try (ClassifierModel merged = ClassifierModel.load(dir, Device.cpu())) {
            return new Opened(record, new FiniteScores(record.id(), OnnxClassifier.of(merged, kind, shared, ownWeight,
                    () -> bases.releaseWeights(baseDir, kind))), choice.reason(), ownBaseBytes);
        } catch (RuntimeException | Error e) { // of() failed: it released nothing
            bases.releaseWeights(baseDir, kind);
            throw e;
        }
    }

    /**
     * The weights an adapter's session keeps of its own: its adapted layers and saved modules (a graph initializer
     * whose name has one of those modules as a part, e.g. {@code ...attention.self.query.weight_t_int8}).
     */
    static Predicate<String> ownWeights(AdapterInfo adapter) {
        List<String> modules = new ArrayList<>(adapter.targetModules());
        modules.addAll(adapter.modulesToSave());
        return name -> modules.stream().anyMatch(module -> name.startsWith(module + ".")
                || name.contains("." + module + "."));
    }

    /**
     * What an adapter's session keeps of its base beyond the shared weights: ONNX Runtime's packed copies of its
     * products, as large as the base's weights without the word embeddings (which are gathered, never packed).
     */
    private static long packedBaseBytes(Path baseDir) {
        CheckpointDir base = new CheckpointDir(baseDir);
        JsonNode config = base.configJson();
        long embeddings = 4L * config.path("vocab_size").asLong(0) * config.path("hidden_size").asLong(config.path("dim")
                .asLong(0));
        return Math.max(0, base.weightBytes() - embeddings);
    }
}
