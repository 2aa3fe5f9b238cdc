package dev.attune.deployment;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import dev.attune.errors.Conflict;
import dev.attune.errors.InvalidInput;
import dev.attune.errors.NotFound;
import dev.attune.errors.Unavailable;
import dev.attune.model.ModelService;
import dev.attune.model.RegisteredModel;
import dev.attune.system.Callers;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Creates, changes, rolls back and deletes deployments; every change is recorded with who made it. A model
 * a deployment uses cannot be deleted ({@link ModelsInDeployments}).
 */
@Service
public class DeploymentService {

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");

    /** What {@link #isValidName} accepts, in words. */
    public static final String NAME_RULE = "1 to 64 lower-case letters, digits and '-', starting with a letter or digit";

    private final DeploymentRepository repository;
    private final ModelService models;
    private final ApplicationEventPublisher events;

    DeploymentService(DeploymentRepository repository, ModelService models, ApplicationEventPublisher events) {
        this.repository = repository;
        this.models = models;
        this.events = events;
    }

    /** Whether a deployment could have this name (a sweep checks its deploy before it runs). */
    public static boolean isValidName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    @Transactional
    Deployment create(String name, String modelId) {
        return create(name, modelId, Callers.keyName());
    }

    private Deployment create(String name, String modelId, String by) {
        if (!isValidName(name)) {
            throw new InvalidInput("Invalid deployment name", "name must be " + NAME_RULE
                    + " (such as \"default\" or \"sentiment-eu\"); was " + name + ".");
        }
        checkModel("modelId", modelId);
        Instant now = now();
        Deployment deployment = new Deployment(name, modelId, null, now, now);
        try {
            repository.insert(deployment);
        } catch (DuplicateKeyException e) {
            throw new Conflict("Deployment exists", "A deployment named '" + name + "' exists. Change it with PUT "
                    + "/api/v1/deployments/" + name + ", or pick another name.");
        }
        record(deployment, "created", by);
        return deployment;
    }

    public Deployment get(String name) {
        return repository.find(name).orElseThrow(() -> NotFound.of("Deployment", name));
    }

    public Optional<Deployment> find(String name) {
        return repository.find(name);
    }

    /** The deployment, its row locked until the transaction ends: concurrent changes apply one after another. */
    private Deployment lock(String name) {
        try {
            return repository.findForUpdate(name).orElseThrow(() -> NotFound.of("Deployment", name));
        } catch (PessimisticLockingFailureException e) { // waited past the database's lock timeout
            throw new Unavailable("Deployment busy", "Deployment '" + name + "' is being changed by other calls right "
                    + "now; nothing was changed by this one. Retry in a moment.").retryAfter(1);
        }
    }

    public List<Deployment> list() {
        return repository.findAll();
    }

    List<DeploymentChange> history(String name) {
        get(name);
        return repository.history(name);
    }

    /**
     * The deployment's next state: {@code modelId} answers (null: the current one stays), and {@code canary}
     * answers its share (null: no canary, so a promotion without one ends the trial).
     */
    @Transactional
    Deployment update(String name, String modelId, Deployment.Canary canary) {
        return update(name, modelId, canary, "updated", Callers.keyName());
    }

    /**
     * Reads the deployment under its row lock, so that a canary-only change never writes back a model another
     * change has just replaced: concurrent PUTs apply one after another, each to the state the previous left.
     */
    private Deployment update(String name, String modelId, Deployment.Canary canary, String action, String by) {
        Deployment current = lock(name);
        String next = modelId == null ? current.modelId() : modelId;
        RegisteredModel model = checkModel("modelId", next);
        if (canary != null) {
            if (canary.percent() < 1 || canary.percent() > 99) {
                throw new InvalidInput("Invalid canary", "canary.percent must be 1 to 99 (the share of requests the "
                        + "canary answers), was " + canary.percent() + ". To end the canary leave canary out.");
            }
            if (canary.modelId().equals(next)) {
                throw new InvalidInput("Invalid canary", "The canary is the deployment's own model " + next
                        + "; a canary is another model under trial.");
            }
            CanaryCompatibility.check(model, checkModel("canary.modelId", canary.modelId()));
        }
        Deployment updated = new Deployment(name, next, canary, current.createdAt(), now());
        repository.update(updated);
        record(updated, action, by);
        return updated;
    }

    /**
     * Points a deployment at a model (a sweep's winner): created when absent, else promoted (ending any canary).
     *
     * @param changedBy the API key the change is recorded as made by (the sweep's submitter, not whoever's call
     *     happened to end the sweep); null: anonymous
     */
    @Transactional
    public Deployment deploy(String name, String modelId, String changedBy) {
        return repository.find(name).isPresent() ? update(name, modelId, null, "updated", changedBy)
                : create(name, modelId, changedBy);
    }

    /**
     * A promotion (POST /api/v1/models/{id}/promote): the "default" deployment, when one exists, moves to the
     * model (ending any canary), recorded as "promoted".
     *
     * @return whether a default deployment moved
     */
    @Transactional
    public boolean promote(String modelId) {
        if (repository.find(Deployment.DEFAULT).isEmpty()) {
            return false;
        }
        update(Deployment.DEFAULT, modelId, null, "promoted", Callers.keyName());
        return true;
    }

    /** Back to the model that answered before the current one (ending any canary). */
    @Transactional
    Deployment rollback(String name) {
        Deployment current = lock(name);
        String previous = repository.history(name).stream().map(DeploymentChange::modelId)
                .filter(model -> !model.equals(current.modelId())).findFirst()
                .orElseThrow(() -> new Conflict("Nothing to roll back to", "Deployment '" + name + "' has only ever "
                        + "served model " + current.modelId() + "."));
        if (models.find(previous).isEmpty()) {
            throw new Conflict("Previous model deleted", "The model deployment '" + name + "' served before ("
                    + previous + ") was deleted. Choose a model with PUT /api/v1/deployments/" + name + ".");
        }
        Deployment rolledBack = new Deployment(name, previous, null, current.createdAt(), now());
        repository.update(rolledBack);
        record(rolledBack, "rollback", Callers.keyName());
        return rolledBack;
    }

    @Transactional
    void delete(String name) {
        if (!repository.delete(name)) {
            throw NotFound.of("Deployment", name);
        }
        events.publishEvent(new DeploymentsChangedEvent(name));
    }

    private RegisteredModel checkModel(String field, String modelId) {
        if (modelId == null || modelId.isBlank()) {
            throw new InvalidInput("Missing model", field + " is required: the id of a registered model.");
        }
        RegisteredModel model = models.find(modelId).orElse(null);
        if (model == null) {
            throw new InvalidInput("Unknown model", field + ": no model has id '" + modelId + "'.");
        }
        return model;
    }

    private void record(Deployment deployment, String action, String by) {
        repository.record(deployment.name(), new DeploymentChange(action, deployment.modelId(), deployment.canary(),
                by == null ? "anonymous" : by, deployment.updatedAt()));
        events.publishEvent(new DeploymentsChangedEvent(deployment.name()));
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }
}
