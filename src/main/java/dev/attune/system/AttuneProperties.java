package dev.attune.system;

import dev.attune.modeling.ServingPrecision;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;
import java.time.Duration;

/**
 * Everything an operator can set under {@code attune.*} (see the top-level application.yml).
 *
 * @param dataDir directory holding the H2 database, uploaded data sets and saved models
 * @param datasets limits for uploaded data sets
 * @param security API-key protection of the API
 * @param models where models may be imported from
 * @param jobs the fine-tuning job queue
 * @param predict serving of /predict
 * @param node this process's name and roles in a cluster
 * @param predictions batch predictions (POST /api/v1/predictions)
 * @param monitoring what each deployment and model served, against the reference stored at training, and drift
 * @param feedback true labels sent back for served answers, and the sampled log of served requests they name
 */
@Validated
@ConfigurationProperties("attune")
public record AttuneProperties(
        @NotNull @DefaultValue("./data") Path dataDir,
        @Valid @DefaultValue Datasets datasets,
        @Valid @DefaultValue Security security,
        @Valid @DefaultValue Models models,
        @Valid @DefaultValue Jobs jobs,
        @Valid @DefaultValue Predict predict,
        @Valid @DefaultValue Node node,
        @Valid @DefaultValue Predictions predictions,
        @Valid @DefaultValue Monitoring monitoring,
        @Valid @DefaultValue Feedback feedback) {

    /**
     * @param maxUploadSize largest accepted upload (also wired into the multipart limits)
     * @param maxLabels most distinct values a label column may have
     * @param maxPreviewRows most rows one preview request returns
     */
    public record Datasets(
            @NotNull @DefaultValue("512MB") DataSize maxUploadSize,
            @Min(2) @DefaultValue("100") int maxLabels,
            @Min(1) @DefaultValue("1000") int maxPreviewRows) {
    }

    /**
     * @param apiKeys when non-empty, every /api/** and /predict call needs one of these in X-API-Key; each has
     *        every scope (the single-list form)
     * @param keys named keys with scopes, each stored as the SHA-256 of the key (never the key itself)
     */
    public record Security(@DefaultValue List<String> apiKeys, @Valid @DefaultValue List<NamedKey> keys) {

        public boolean enabled() {
            return (apiKeys != null && apiKeys.stream().anyMatch(key -> key != null && !key.isBlank()))
                    || (keys != null && !keys.isEmpty());
        }
    }

    /**
     * @param name who holds it (shown in job records and the access log)
     * @param sha256 the key's SHA-256 as hex: {@code printf %s "$KEY" | sha256sum}
     * @param scopes what it may do: predict, read, write, admin
     */
    public record NamedKey(@jakarta.validation.constraints.NotBlank String name,
            @NotNull @jakarta.validation.constraints.Pattern(regexp = "[0-9a-fA-F]{64}",
                    message = "must be the key's SHA-256 as 64 hex digits") String sha256,
            @NotNull @jakarta.validation.constraints.NotEmpty Set<ApiScope> scopes) {
    }

    /**
     * @param importRoots local directories under which model checkpoints may be imported from
     * @param hub where Hugging Face Hub ids are downloaded from and cached
     * @param maxDownloadBuilds most downloads built at once (ONNX exports, LoRA models merged: each holds a whole
     *        model in memory); beyond it a download that is not cached yet gets 429 with Retry-After
     */
    public record Models(@DefaultValue List<Path> importRoots, @Valid @DefaultValue Hub hub,
            @Min(1) @DefaultValue("2") int maxDownloadBuilds) {
    }

    /**
     * @param endpoint the Hub's base URL; HF_ENDPOINT overrides it when set
     * @param cacheDir the Hub cache (models--org--name/snapshots/rev); defaults to HF_HOME/hub or ~/.cache/huggingface/hub
     * @param offline never download: only use what the cache already holds (HF_HUB_OFFLINE=1 also turns it on)
     */
    public record Hub(
            @DefaultValue("https://huggingface.co") String endpoint,
            Path cacheDir,
            @DefaultValue("false") boolean offline) {
    }

    /**
     * @param maxQueued most jobs waiting at once; beyond it submissions get 429 with Retry-After
     * @param progressInterval how often a running job's progress is written to the database
     * @param devices one worker per entry ({@code cpu}, {@code gpu0}, {@code gpu1}...); empty: every GPU DJL
     *        sees, else one CPU worker
     * @param leaseTime how long a worker's claim on a running job lasts without renewal; when a node dies,
     *        another takes its jobs over after this
     * @param pollInterval how often an idle worker looks for queued jobs (a submission on this node wakes its
     *        workers at once; other nodes see it within this)
     * @param sweepReconcileInterval how often each node moves running sweeps on that no trial's end did (a node
     *        that died before telling, trials waiting for the queue's room)
     */
    public record Jobs(@Min(1) @DefaultValue("100") int maxQueued,
            @NotNull @DefaultValue("1s") Duration progressInterval,
            @DefaultValue List<String> devices,
            @NotNull @DefaultValue("30s") Duration leaseTime,
            @NotNull @DefaultValue("500ms") Duration pollInterval,
            @NotNull @DefaultValue("10s") Duration sweepReconcileInterval) {
    }

    /**
     * @param maxBatch most texts one request may send
     * @param batchSize most texts run together in one forward pass (concurrent requests are combined)
     * @param maxWait how long the first text of a micro-batch waits for others to join it
     * @param maxBodySize largest request body accepted by the predict endpoints
     * @param refreshInterval how often the serving choice is re-read from the database, so that every serving
     *        replica follows a promotion, a new model or a deletion made through another node
     * @param precision how models are served: auto (int8 on a CPU when the model's validation rows lost at most
     *        0.5 points to it, else fp32; a GPU's half precision), fp32, int8 (ONNX Runtime) or bf16 (libtorch)
     * @param maxWindowsPerText most windows one long text may be read in (sliding_window); beyond it a 413
     * @param maxTokensPerRequest most tokens one request's texts may come to, every window counted; beyond it a 413
     * @param keptModelsMemory memory the models kept loaded besides those that serve (deployments, canaries, the
     *        best model) may take, as their weights' size in the precision they serve in; least recently used
     *        released first
     * @param byModelScope the API-key scope a request that names a model by id needs (POST
     *        /api/v1/models/{id}/predict, or "model" in a /predict body): it can load any model, so more than
     *        {@code predict} by default
     * @param explain explanations of predictions ("explain": true, integrated gradients)
     */
    public record Predict(@Min(1) @DefaultValue("256") int maxBatch,
            @Min(1) @DefaultValue("32") int batchSize,
            @NotNull @DefaultValue("5ms") Duration maxWait,
            @NotNull @DefaultValue("1MB") DataSize maxBodySize,
            @NotNull @DefaultValue("2s") Duration refreshInterval,
            @NotNull @DefaultValue("auto") ServingPrecision precision,
            @Min(1) @DefaultValue("128") int maxWindowsPerText,
            @Min(1) @DefaultValue("131072") int maxTokensPerRequest,
            @NotNull @DefaultValue("2GB") DataSize keptModelsMemory,
            @NotNull @DefaultValue("read") ApiScope byModelScope,
            @Valid @DefaultValue Explain explain) {
    }

    /**
     * @param maxTexts most texts one request may ask explanations for (each costs {@code steps} forward and backward
     *        passes); beyond it a 400
     * @param defaultSteps points on the integrated-gradients path when a request names none
     * @param maxSteps most steps a request may ask for; beyond it a 400
     * @param stepsPerPass most points run together in one forward and backward pass
     * @param tokensPerPass most tokens (points × the text's tokens) one pass holds: a long text runs fewer points
     *        per pass, so memory stays bounded whatever its length
     * @param keptModels most models kept loaded in libtorch fp32 for explanations (beside those serving), least
     *        recently used closed first
     * @param maxInFlight most explain requests running or waiting on this node at once; more are a 429, so that
     *        slow explanations never hold every request thread (plain /predict keeps answering)
     */
    public record Explain(@Min(1) @DefaultValue("4") int maxTexts,
            @Min(2) @DefaultValue("32") int defaultSteps,
            @Min(2) @DefaultValue("256") int maxSteps,
            @Min(1) @DefaultValue("32") int stepsPerPass,
            @Min(1) @DefaultValue("2048") int tokensPerPass,
            @Min(1) @DefaultValue("2") int keptModels,
            @Min(1) @DefaultValue("8") int maxInFlight) {
    }

    /**
     * @param defaultPriority the queue priority of a batch prediction that names none: above training jobs' default
     *        (0), so a short scoring job is claimed before queued training jobs instead of waiting behind them
     * @param retention how long an ended batch prediction (its record, results and log) is kept; then it is removed
     * @param cleanupInterval how often each node removes the batch predictions past their retention, and those
     *        deleted while running once they ended (also once at start)
     */
    public record Predictions(
            @Min(-100) @Max(100) @DefaultValue("50") int defaultPriority,
            @NotNull @DefaultValue("30d") Duration retention,
            @NotNull @DefaultValue("10m") Duration cleanupInterval) {
    }

    /**
     * @param maxBatch most items one POST /api/v1/feedback/batch may hold (its body is also held to 64 KB)
     * @param requestLog the sampled log of served /predict requests that feedback names by request id
     */
    public record Feedback(@Min(1) @Max(10000) @DefaultValue("500") int maxBatch,
            @Valid @DefaultValue RequestLog requestLog) {
    }

    /**
     * @param rate the share of answered predict requests logged, 0 (off, the default) to 1 (every one)
     * @param storeTexts whether the log keeps each text (then feedback by request id can make data sets); off: the
     *        log holds ids, models and answers only
     * @param retention how long a logged request is kept; then feedback can no longer name it
     * @param purgeInterval how often each node removes the logged requests past their retention (also once at start)
     * @param queueCapacity most sampled rows waiting to be written; beyond it rows are dropped and counted
     *        (attune.feedback.request-log.dropped), never making /predict wait
     * @param batchSize most rows written to the database in one batch
     */
    public record RequestLog(@jakarta.validation.constraints.DecimalMin("0") @jakarta.validation.constraints.DecimalMax("1")
            @DefaultValue("0") double rate,
            @DefaultValue("false") boolean storeTexts,
            @NotNull @DefaultValue("7d") Duration retention,
            @NotNull @DefaultValue("10m") Duration purgeInterval,
            @Min(1) @DefaultValue("10000") int queueCapacity,
            @Min(1) @DefaultValue("500") int batchSize) {
    }

    /**
     * @param name this node's name in job records and the node list; default host name and server port
     * @param roles what this node does: {@code api} (the REST API and dashboard), {@code worker} (runs jobs),
     *        {@code serving} (/predict)
     */
    public record Node(String name, @DefaultValue({"api", "worker", "serving"}) Set<NodeRole> roles) {
    }

    /**
     * @param enabled count what /predict serves (off: nothing is counted, the endpoints answer no_traffic)
     * @param retention how long the per-minute counts are kept (the longest window a monitoring call may ask for)
     * @param flushInterval how often this node adds its counts to the database (at most every 30 s whatever is set:
     *        counts are kept per minute)
     * @param evaluateInterval how often the drift of every deployment is judged: the Prometheus gauges, the health
     *        component and the events when a status changes
     * @param window the window a monitoring call answers over when it names none, and the gauges' window
     * @param warnPsi the population stability index from which a figure's drift is a warning
     * @param alertPsi the population stability index from which a figure's drift is an alert
     * @param minTexts texts a window needs before its drift is judged (fewer: status too_little_traffic, PSI shown)
     */
    public record Monitoring(@DefaultValue("true") boolean enabled,
            @NotNull @DefaultValue("24h") Duration retention,
            @NotNull @DefaultValue("5s") Duration flushInterval,
            @NotNull @DefaultValue("30s") Duration evaluateInterval,
            @NotNull @DefaultValue("1h") Duration window,
            @jakarta.validation.constraints.Positive @DefaultValue("0.1") double warnPsi,
            @jakarta.validation.constraints.Positive @DefaultValue("0.25") double alertPsi,
            @Min(1) @DefaultValue("300") int minTexts) {
    }

    public Path jobsDir() {
        return dataDir.resolve("jobs");
    }

    public Path datasetsDir() {
        return dataDir.resolve("datasets");
    }

    /** Where multipart uploads spool while they arrive; emptied at every start. */
    public Path uploadTempDir() {
        return dataDir.resolve("tmp").resolve("uploads");
    }

    public Path modelsDir() {
        return dataDir.resolve("models");
    }

    /** Built downloads (ONNX zips, merged LoRA checkpoints), one directory per model, deleted with it. */
    public Path downloadsDir() {
        return dataDir.resolve("downloads");
    }
}
