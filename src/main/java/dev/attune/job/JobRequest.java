package dev.attune.job;

import java.util.ArrayList;
import java.util.List;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;

import io.swagger.v3.oas.annotations.media.Schema;

import java.util.Map;

import dev.attune.modeling.AttentionImplementation;
import dev.attune.modeling.Precision;
import dev.attune.modeling.ProblemType;
import dev.attune.training.ClassWeights;
import dev.attune.training.FineTuneRequest;
import dev.attune.training.Thresholds;
import dev.attune.training.TrainingOptions;
import dev.attune.training.TrainingOptions.Init;
import dev.attune.training.TrainingOptions.MetricForBest;
import dev.attune.training.TrainingOptions.Scheduler;
import dev.attune.training.TrainingOptions.Strategy;

/**
 * POST /api/v1/jobs: what to fine-tune and how. Every training option may be left out for its default
 * (see {@link TrainingOptions}). The bounds keep one job from taking the machine: a batch of a
 * million texts or a billion epochs is refused before it is queued.
 *
 * @param datasetId the training data set (required)
 * @param baseModel a registered model id, an absolute path under the import roots, or a Hub id org/name (required)
 * @param validationDatasetId an explicit validation data set; default: a stratified split (validationSplit)
 * @param testDatasetId a data set scored with the best weights at the end
 * @param name a display name
 * @param priority -100 to 100, default 0: higher runs first, equal ones in submission order
 * @param strategy full (default: every weight), last_layers (the top lastLayers layers and the head) or head
 *     (encoder frozen, features computed once)
 * @param lastLayers layers trained by last_layers, default 2
 * @param init pretrained (default) or random: the same architecture with fresh weights, a baseline
 * @param epochs passes over the training set, default 3
 * @param learningRate peak AdamW learning rate, default 5e-5 (1e-3 for head)
 * @param batchSize texts per step, default 32
 * @param maxLength tokens per text, default the tokenizer's model_max_length (never beyond the model's positions)
 * @param warmupRatio share of steps with linear warm-up, default 0.06
 * @param weightDecay AdamW decoupled weight decay (not on biases and LayerNorm), default 0.01
 * @param gradientAccumulationSteps batches per optimizer step, default 1
 * @param maxGradNorm clip the global gradient norm to this, default 1.0 (0: no clipping)
 * @param seed the same seed gives the same run, default 42
 * @param scheduler linear (default) or cosine decay after warm-up
 * @param metricForBest what picks the best evaluation: accuracy, f1_macro, f1_micro or loss for classifiers
 *     (default accuracy; f1_macro for multi-label), loss, mae, rmse, pearson or spearman for regression (default rmse)
 * @param earlyStoppingPatience stop after this many evaluations without gain; default never
 * @param evalEverySteps evaluate every N optimizer steps; default each epoch
 * @param validationSplit share held out for validation without validationDatasetId, default 0.1
 * @param maxTrainSamples cap on training rows (a stratified sample); default all
 * @param problemType single_label_classification, multi_label_classification or regression; default: the
 *     training data set's suggestedProblemType
 * @param classWeights "none" (default), "balanced" (single label: n / (classes × count); multi-label:
 *     pos_weight = negatives / positives per label, at most 30) or a map label → weight (multi-label: pos_weight)
 * @param thresholds multi-label only: "tuned" (default: per label, the F1-best threshold on the validation set,
 *     stored with the model) or one probability for every label, such as 0.5
 * @param attention sdpa (default: libtorch's fused scaled-dot-product attention) or eager (the reference:
 *     separate matmul, softmax and matmul operations, as transformers' eager attention)
 * @param precision auto (default: bf16 on a GPU from Ampere on, fp16 on older ones; on a CPU bf16 where
 *     its products are native, AVX-512 BF16 or AMX, else fp32), fp32, bf16: the linear layers' products in
 *     bfloat16, everything else in fp32, or fp16: the same in float16 with dynamic loss scaling (for GPUs
 *     without bf16)
 * @param groupByLength false (default): random batches, as transformers' Trainer; true: batches of
 *     similar-length texts, little padding (on short texts about 2.4x faster on a CPU, about a point less
 *     accurate on SST-2: bench/RESULTS.md)
 */
record JobRequest(
        @Schema(example = "3f2b8c1e-5d7a-4e9b-8c2d-1a2b3c4d5e6f") String datasetId,
        @Schema(example = "/srv/checkpoints/all-MiniLM-L6-v2") String baseModel,
        @Schema(example = "7a1c2e3f-4b5d-4c6e-9f8a-0b1c2d3e4f5a") String validationDatasetId,
        @Schema(example = "9b8a7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d") String testDatasetId,
        @Schema(example = "minilm-sst2") @Size(max = 255) String name,
        @Schema(example = "0") @Min(-100) @Max(100) Integer priority,
        @Schema(allowableValues = {"full", "last_layers", "head"}, example = "full") String strategy,
        @Schema(example = "2") @Min(1) @Max(1000) Integer lastLayers,
        @Schema(allowableValues = {"pretrained", "random"}, example = "pretrained") String init,
        @Schema(example = "1") @Min(1) @Max(1000) Integer epochs,
        @Schema(example = "5e-5") @DecimalMin(value = "0", inclusive = false) @DecimalMax("1") Double learningRate,
        @Schema(example = "32") @Min(1) @Max(1024) Integer batchSize,
        @Schema(example = "64") @Min(2) @Max(8192) Integer maxLength,
        @Schema(example = "0.06") @DecimalMin("0") @DecimalMax(value = "1", inclusive = false) Double warmupRatio,
        @Schema(example = "0.01") @DecimalMin("0") @DecimalMax("1") Double weightDecay,
        @Schema(example = "1") @Min(1) @Max(1024) Integer gradientAccumulationSteps,
        @Schema(example = "1.0") @DecimalMin("0") @DecimalMax("1000000") Double maxGradNorm,
        @Schema(example = "42") Long seed,
        @Schema(allowableValues = {"linear", "cosine"}, example = "linear") String scheduler,
        @Schema(allowableValues = {"accuracy", "f1_macro", "loss"}, example = "accuracy") String metricForBest,
        @Schema(example = "3") @Min(1) @Max(1000) Integer earlyStoppingPatience,
        @Schema(example = "40") @Min(0) @Max(1_000_000) Integer evalEverySteps,
        @Schema(example = "0.1") @DecimalMin(value = "0", inclusive = false) @DecimalMax(value = "1", inclusive = false)
        Double validationSplit,
        @Schema(example = "3000") @Min(2) Integer maxTrainSamples,
        @Schema(allowableValues = {"single_label_classification", "multi_label_classification", "regression"},
                example = "single_label_classification") String problemType,
        @Schema(oneOf = {String.class, Map.class}, example = "balanced") Object classWeights,
        @Schema(oneOf = {String.class, Double.class}, example = "tuned") Object thresholds,
        @Schema(allowableValues = {"sdpa", "eager"}, example = "sdpa") String attention,
        @Schema(allowableValues = {"auto", "fp32", "bf16", "fp16"}, example = "auto") String precision,
        @Schema(example = "false") Boolean groupByLength) {

    /**
     * The options asked for, defaults filled in; a misspelt name takes its default ({@link #nameProblems} says so).
     *
     * @param suggested the problem type when the request names none (the training data set's suggestion)
     */
    TrainingOptions options(ProblemType suggested) {
        return TrainingOptions.builder()
                .problemType(ProblemType.parse(problemType).orElse(suggested))
                .classWeights(ClassWeights.parse(classWeights).orElse(null))
                .thresholds(Thresholds.parse(thresholds).orElse(null))
                .attention(AttentionImplementation.parse(attention).orElse(null))
                .precision(Precision.parse(precision).orElse(null))
                .groupByLength(groupByLength)
                .strategy(TrainingOptions.parse(Strategy.class, strategy).orElse(null))
                .lastLayers(lastLayers)
                .init(TrainingOptions.parse(Init.class, init).orElse(null))
                .epochs(epochs).learningRate(learningRate).batchSize(batchSize).maxLength(maxLength)
                .warmupRatio(warmupRatio).weightDecay(weightDecay)
                .gradientAccumulationSteps(gradientAccumulationSteps).maxGradNorm(maxGradNorm).seed(seed)
                .scheduler(TrainingOptions.parse(Scheduler.class, scheduler).orElse(null))
                .metricForBest(TrainingOptions.parse(MetricForBest.class, metricForBest).orElse(null))
                .earlyStoppingPatience(earlyStoppingPatience).evalEverySteps(evalEverySteps)
                .validationSplit(validationSplit).maxTrainSamples(maxTrainSamples)
                .build();
    }

    /** "field: must be one of [...]" for every named option (strategy, init...) that names nothing. */
    List<String> nameProblems() {
        List<String> problems = new ArrayList<>();
        checkName(problems, "strategy", strategy, Strategy.class);
        checkName(problems, "init", init, Init.class);
        checkName(problems, "scheduler", scheduler, Scheduler.class);
        checkName(problems, "metricForBest", metricForBest, MetricForBest.class);
        if (problemType != null && ProblemType.parse(problemType).isEmpty()) {
            problems.add("problemType: must be one of " + ProblemType.ids() + ", was " + problemType);
        }
        if (attention != null && AttentionImplementation.parse(attention).isEmpty()) {
            problems.add("attention: must be one of " + AttentionImplementation.ids() + ", was " + attention);
        }
        if (precision != null && Precision.parse(precision).isEmpty()) {
            problems.add("precision: must be one of " + Precision.ids() + ", was " + precision);
        }
        if (ClassWeights.parse(classWeights).isEmpty()) {
            problems.add("classWeights: must be \"none\", \"balanced\" or a map of label to a positive number, was "
                    + classWeights);
        }
        if (Thresholds.parse(thresholds).isEmpty()) {
            problems.add("thresholds: must be \"tuned\" or a number between 0 and 1 (exclusive), was " + thresholds);
        }
        return problems;
    }

    private static <E extends Enum<E>> void checkName(List<String> problems, String field, String value, Class<E> type) {
        if (value != null && TrainingOptions.parse(type, value).isEmpty()) {
            problems.add(field + ": must be one of " + TrainingOptions.idsOf(type) + ", was " + value);
        }
    }

    FineTuneRequest fineTuneRequest(ProblemType suggested) {
        return new FineTuneRequest(datasetId, baseModel, validationDatasetId, testDatasetId, name, options(suggested));
    }
}
