package dev.attune.sweep;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.swagger.v3.oas.annotations.media.Schema;

import dev.attune.modeling.EnumNames;
import dev.attune.training.TrainingOptions.MetricForBest;

/**
 * POST /api/v1/sweeps: many trials of one job, each trying other option values, and one decision.
 *
 * @param name a display name
 * @param base a job request (POST /api/v1/jobs's body) that every trial starts from
 * @param grid option → the values to try: every combination is a trial
 * @param random option → what to draw from: {"values": [...]} or {"min", "max", "log"}; trials draws
 * @param trials how many random trials to draw (random only), 1 to 64
 * @param metric what decides the best trial, and every trial's metricForBest (the checkpoint it keeps); default
 *     the base's metricForBest
 * @param scheduler none (every trial runs to its end) or successive_halving (at each evaluation a trial outside
 *     the better half, rounded up, of those that reached that evaluation stops; ties go to the lower loss, then to
 *     the trial that got there first)
 * @param deploy a deployment to point at the best trial's model when the sweep ends (created if absent): 1 to 64
 *     lower-case letters, digits and '-'; the change is recorded as the sweep's submitter's
 * @param seed seeds the random draws, default 42
 * @param maxParallel at most this many trials queued or running at once (1 to 64), across every node; default all
 *     at once (as the queue's room allows: trials beyond attune.jobs.max-queued wait for it)
 */
record SweepRequest(
        @Schema(example = "lr and batch") String name,
        @Schema(example = "{\"datasetId\": \"3f2b8c1e-5d7a-4e9b-8c2d-1a2b3c4d5e6f\", \"baseModel\": \"/srv/checkpoints/all-MiniLM-L6-v2\", \"epochs\": 2}")
        Map<String, Object> base,
        @Schema(example = "{\"learningRate\": [1e-5, 3e-5, 1e-4], \"batchSize\": [16, 32]}") Map<String, List<Object>> grid,
        @Schema(example = "{\"learningRate\": {\"min\": 1e-5, \"max\": 3e-4, \"log\": true}}") Map<String, Range> random,
        @Schema(example = "8") Integer trials,
        @Schema(example = "accuracy") MetricForBest metric,
        @Schema(example = "successive_halving") Scheduler scheduler,
        @Schema(example = "default") String deploy,
        @Schema(example = "42") Long seed,
        @Schema(example = "2") Integer maxParallel) {

    /** The request as stored: its metric decided, its scheduler none unless asked. */
    SweepRequest resolved(MetricForBest decided) {
        return new SweepRequest(name, base, grid, random, trials, decided, scheduler == null ? Scheduler.NONE : scheduler,
                deploy, seed, maxParallel);
    }

    /**
     * What a random trial draws an option from.
     *
     * @param values draw one of these; or
     * @param min the lowest number
     * @param max the highest number
     * @param log draw uniformly on a log scale (min > 0), as learning rates want
     */
    record Range(@Schema(example = "[16, 32]") List<Object> values, @Schema(example = "1e-5") Double min,
            @Schema(example = "3e-4") Double max, @Schema(example = "true") Boolean log) {
    }

    enum Scheduler {
        NONE, SUCCESSIVE_HALVING;

        @JsonValue
        public String id() {
            return EnumNames.id(this);
        }

        @JsonCreator
        public static Scheduler of(String id) {
            return EnumNames.of(Scheduler.class, id);
        }
    }
}
