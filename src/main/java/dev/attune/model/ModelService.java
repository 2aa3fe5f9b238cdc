package dev.attune.model;

import dev.attune.checkpoint.ModelReference;
import tools.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import dev.attune.files.FileTrees;
import dev.attune.modeling.ClassifierModel;
import dev.attune.modeling.LoraFiles;
import dev.attune.modeling.ServingPrecision;
import dev.attune.errors.Conflict;
import dev.attune.errors.InvalidInput;
import dev.attune.errors.NotFound;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/** Registers classifiers (imports now, fine-tuning results later), lists and deletes them (downloads: ModelDownloads). */
@Service
public class ModelService {

    private static final Logger log = LoggerFactory.getLogger(ModelService.class);

    private final ModelSources sources;
    private final ModelFiles files;
    private final ModelRepository repository;
    private final ApplicationEventPublisher events;
    private final ModelUsers users;
    private final ModelDeployments deployments;
    private final AdapterModels adapters;
    private final DownloadCache downloads;

    ModelService(ModelSources sources, ModelFiles files, ModelRepository repository, ApplicationEventPublisher events,
            ModelUsers users, ModelDeployments deployments, AdapterModels adapters, DownloadCache downloads) {
        this.adapters = adapters;
        this.downloads = downloads;
        this.users = users;
        this.deployments = deployments;
        this.sources = sources;
        this.files = files;
        this.repository = repository;
        this.events = events;
    }

    /**
     * Imports an already fine-tuned classifier: loaded once to prove it works, then stored as F32 safetensors. A
     * PEFT LoRA adapter directory is registered over its base (baseModel, else its base_model_name_or_path).
     */
    RegisteredModel importModel(String source, String name, String revision, ServingPrecision servingPrecision,
            Boolean textPair, String baseModel) throws IOException {
        ModelSources.Resolved resolved = sources.resolve(source, revision);
        if (LoraFiles.isAdapter(resolved.dir())) {
            return importAdapter(resolved, name, servingPrecision, textPair, baseModel);
        }
        try (ClassifierModel model = ClassifierModel.load(resolved.dir(), Device.cpu())) {
            if (!model.config().hasLabels() || !model.loadReport().initialised().isEmpty()) {
                throw new InvalidInput("Not a fine-tuned classifier", "The checkpoint at " + source
                        + " has no trained classification head (config.json id2label, or head tensors "
                        + model.loadReport().initialised() + "). Import fine-tuned classifiers only; use a base "
                        + "model as a fine-tuning job's baseModel instead.");
            }
            String displayName = name != null && !name.isBlank() ? name.trim() : resolved.dir().getFileName().toString();
            // not said: as its config.json says (an attune download of a pair model says so)
            return register(model, displayName, resolved.description(), Origin.IMPORT, null, null, servingPrecision,
                    textPair != null ? textPair : TextPairMarker.read(model.config()), Training.UNKNOWN);
        }
    }

    private RegisteredModel importAdapter(ModelSources.Resolved resolved, String name,
            ServingPrecision servingPrecision, Boolean textPair, String baseModel) throws IOException {
        Path temp = files.newTempDir();
        Training training = null;
        try {
            training = adapters.prepareImport(resolved.dir(), baseModel, temp);
            try (ClassifierModel model = ClassifierModel.load(temp, Device.cpu())) {
                String displayName = name != null && !name.isBlank() ? name.trim()
                        : resolved.dir().getFileName().toString();
                return register(model, displayName, resolved.description(), Origin.IMPORT, null, null,
                        servingPrecision, textPair != null ? textPair : TextPairMarker.read(model.config()), training);
            }
        } finally {
            FileTrees.deleteQuietly(temp);
            adapters.forgetBase(training == null ? null : training.baseDir()); // kept for a failed import alone
        }
    }

    /**
     * The base a LoRA model trained over {@code reference} runs over, for {@link #register}: a registered model,
     * else the run's own copy of the base ({@code trainedOver}), kept in the data directory when registered.
     */
    public Training adapterBase(ModelReference reference, long trainableParameters, Path trainedOver) {
        return adapters.over(reference, trainableParameters, trainedOver);
    }

    /** Saves a loaded classifier as a new registered model (atomically: temp directory, then rename and row). */
    public RegisteredModel register(ClassifierModel model, String name, String source, Origin origin, String jobId,
            ModelMetrics metrics, boolean textPair, Training training) throws IOException {
        return register(model, name, source, origin, jobId, metrics, null, textPair, training);
    }

    /**
     * As {@link #register(ClassifierModel, String, String, Origin, String, ModelMetrics, boolean, Training)}, with
     * its own serving precision. A LoRA model is saved as its adapter over {@code training}'s base.
     */
    RegisteredModel register(ClassifierModel model, String name, String source, Origin origin, String jobId,
            ModelMetrics metrics, ServingPrecision servingPrecision, boolean textPair, Training training)
            throws IOException {
        String id = UUID.randomUUID().toString();
        name = name.length() > 255 ? name.substring(0, 255) : name;
        Path temp = files.newTempDir();
        try {
            model.save(temp);
            AdapterInfo adapter = null;
            if (model.adapter() != null) {
                adapter = adapters.save(temp, training);
            }
            TextPairMarker.write(temp, textPair);
            long size = FileTrees.size(temp);
            long parameters = model.parameters().values().stream().mapToLong(NDArray::size).sum();
            RegisteredModel record = new RegisteredModel(id, name, model.config().modelType(), model.problemType(),
                    model.config().labels(),
                    source, origin, jobId, metrics, model.maxLength(), parameters, size,
                    Instant.now().truncatedTo(ChronoUnit.MILLIS), servingPrecision, textPair, model.calibration(),
                    training.strategy(), training.trainableParameters(), adapter);
            files.publish(temp, id);
            try {
                repository.insert(record);
            } catch (RuntimeException e) {
                adapters.deleteFiles(id);
                throw e;
            }
            log.info("Registered model {} '{}' ({}, labels {}) from {}", id, name, record.architecture(), record.labels(),
                    source);
            events.publishEvent(new ModelsChangedEvent(id));
            return record;
        } finally {
            FileTrees.deleteQuietly(temp); // gone already once published; after a failure, a leftover is logged
        }
    }

    public Optional<RegisteredModel> find(String id) {
        return repository.findById(id);
    }

    public RegisteredModel get(String id) {
        return repository.findById(id).orElseThrow(() -> NotFound.of("Model", id));
    }

    /** The model's checkpoint directory (a Hugging Face layout), for serving and fine-tuning. */
    public Path directoryOf(String id) {
        return files.pathOf(get(id).id());
    }

    /**
     * The checkpoint directory a job's base model names: a registered model's, a path's (under the import
     * roots) or a Hub snapshot's (downloaded if need be).
     */
    public Path checkpointOf(ModelReference reference) {
        return reference instanceof ModelReference.Registered registered ? directoryOf(registered.id())
                : sources.resolve(reference).dir();
    }

    /** As {@link #checkpointOf} without downloading anything: null for a Hub id. */
    public Path localCheckpointOf(ModelReference reference) {
        if (reference instanceof ModelReference.Registered registered) {
            return directoryOf(registered.id());
        }
        return reference instanceof ModelReference.LocalPath path ? sources.local(path.path()) : null;
    }

    /** A Hub model's config.json, without its weights. */
    public JsonNode hubConfig(ModelReference.HubRepo hub) {
        return sources.hubConfig(hub.text());
    }

    /** How a model made from this base is named by default: a registered model's name, else the path's or id's last part. */
    public String displayName(ModelReference reference) {
        if (reference instanceof ModelReference.Registered registered) {
            return find(registered.id()).map(RegisteredModel::name).orElse(registered.id());
        }
        return reference.shortName();
    }

    public List<RegisteredModel> list() {
        return repository.findAll();
    }

    /**
     * Gives a model its own serving precision (null: the node's attune.predict.precision again); a serving
     * node reloads it in that precision.
     */
    RegisteredModel setServingPrecision(String id, ServingPrecision precision) {
        get(id); // a 404 for an unknown model
        repository.setServingPrecision(id, precision);
        events.publishEvent(new ModelsChangedEvent(id));
        return get(id);
    }

    /**
     * Serves the model to /predict calls that name nothing: marks it promoted and, when a "default" deployment
     * exists (it answers those calls), moves that deployment to it.
     */
    @org.springframework.transaction.annotation.Transactional
    void promote(String id) {
        get(id);
        repository.promote(id);
        deployments.promoted(id);
        events.publishEvent(new ModelsChangedEvent(null)); // the choice changed, not the model: its kept copy stays
    }

    public Optional<String> promotedId() {
        return repository.promotedId();
    }

    void delete(String id) {
        get(id);
        List<ModelUsers.ActiveJob> jobs = users.activeJobsUsingModel(id);
        List<String> sweeps = users.runningSweepsUsingModel(id);
        if (!jobs.isEmpty() || !sweeps.isEmpty()) {
            throw new Conflict("Model in use", "Model '" + id + "' is the base model of " + jobs.size()
                    + " queued or running job(s)" + (sweeps.isEmpty() ? "" : " and needed by the running sweep(s) "
                    + sweeps + " (their base, or a trial's model that may win)")
                    + ". Cancel them or wait for them to finish, then delete.").with("jobs", jobs).with("sweeps", sweeps);
        }
        List<String> adaptersOver = repository.adaptersOver(id);
        if (!adaptersOver.isEmpty()) {
            throw new Conflict("Model is a base", "Model '" + id + "' is the base of " + adaptersOver.size()
                    + " LoRA model(s), which run over its weights. Delete them first (or keep their merged downloads "
                    + "imported as models of their own).").with("adapters", adaptersOver);
        }
        List<String> deployed = deployments.deploymentsUsing(id);
        if (!deployed.isEmpty()) {
            throw new Conflict("Model deployed", "Model '" + id + "' answers for the deployment(s) " + deployed
                    + ". Point them at another model (PUT /api/v1/deployments/{name}) or delete them, then delete "
                    + "the model.").with("deployments", deployed);
        }
        repository.delete(id);
        events.publishEvent(new ModelsChangedEvent(id));
        adapters.deleteFiles(id); // and its kept base, when it was the last model over it
        downloads.evict(id);
    }

    /** Removes a model its job may not keep: the job's worker lost the job to another one while saving it. */
    public void discard(String id) {
        if (repository.delete(id)) {
            events.publishEvent(new ModelsChangedEvent(id));
        }
        adapters.deleteFiles(id);
        downloads.evict(id);
    }

    @EventListener(ApplicationReadyEvent.class)
    void removeLeftovers() throws IOException {
        Set<String> known = new HashSet<>(repository.allIds());
        files.removeOrphans(known);
        downloads.removeOrphans(known);
        adapters.removeLeftoverBases();
    }
}
