package dev.attune.monitoring;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What a deployment (or one model) served in a window, against each model's reference.
 *
 * @param deployment the deployment's name; null for a model's monitoring (all its traffic)
 * @param modelId the model's id for a model's monitoring; null for a deployment's
 * @param window the window answered over (ISO-8601), ending now
 * @param from the first minute counted (the window starts on a whole minute)
 * @param to when it was answered
 * @param status the worst of its models' statuses: ok, warn, alert, too_little_traffic, no_reference or no_traffic
 * @param detail what the status means, and what to do about it
 * @param warnPsi the population stability index from which a figure warns (attune.monitoring.warn-psi)
 * @param alertPsi the index from which a figure alerts (attune.monitoring.alert-psi)
 * @param models each model that served, or is deployed, in the window
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MonitoringResponse(String deployment, String modelId, String window, Instant from, Instant to,
        String status, String detail, double warnPsi, double alertPsi, List<ModelWindow> models) {

    /**
     * One model's traffic in the window.
     *
     * @param modelId the model
     * @param role for a deployment: model (it serves it), canary (its canary) or earlier (it served it earlier in the
     *     window); for a model's monitoring: all (every deployment's traffic and requests that named it)
     * @param status ok, warn, alert (the worst figure's), too_little_traffic, no_reference or no_traffic
     * @param requests predict requests answered
     * @param texts texts answered
     * @param reference what it is compared with; null when the model has none
     * @param figures each figure's distribution, served and reference, and its population stability index
     * @param latency the requests' latency (no reference: training measures no serving)
     * @param minutes texts answered per minute, the minutes with traffic only
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ModelWindow(String modelId, String role, String status, long requests, long texts,
            ReferenceInfo reference, List<FigureDrift> figures, Latency latency, List<Minute> minutes) {
    }

    /**
     * The reference a model's traffic is compared with.
     *
     * @param source which rows it was measured on
     * @param rows how many texts
     * @param maxLength the tokens per text it read them with
     */
    public record ReferenceInfo(String source, int rows, int maxLength) {
    }

    /**
     * One figure: its bins, served and reference, and how far apart they are.
     *
     * @param figure label, top_score, tokens (as a share of maxLength), truncated or unknown_tokens (texts with
     *     any)
     * @param psi the population stability index of served against reference; null without a reference or counts
     * @param status ok, warn or alert by the index; null when it has none (or too few texts to judge)
     * @param bins each bin's counts and shares
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record FigureDrift(String figure, Double psi, String status, List<Bin> bins) {
    }

    /**
     * One bin of a figure.
     *
     * @param bin its name (a label, a range, yes or no...)
     * @param served texts served in it
     * @param servedShare their share of the texts served
     * @param reference reference texts in it; null without a reference
     * @param referenceShare their share of the reference; null without a reference
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Bin(String bin, long served, double servedShare, Long reference, Double referenceShare) {
    }

    /**
     * Requests' latency, from arrival to answer, as a histogram: percentiles are the upper edge of the bin they fall
     * in (1-2-3-5-7 steps, so within about half a step).
     *
     * @param p50Ms the median, at most
     * @param p95Ms the 95th percentile, at most
     * @param p99Ms the 99th percentile, at most
     * @param bins requests per latency bin (milliseconds)
     */
    public record Latency(Double p50Ms, Double p95Ms, Double p99Ms, List<Bin> bins) {
    }

    /**
     * One minute's traffic.
     *
     * @param start the minute's start
     * @param texts texts answered in it
     */
    public record Minute(Instant start, long texts) {
    }
}
