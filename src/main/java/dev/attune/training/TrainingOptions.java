package dev.attune.training;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.swagger.v3.oas.annotations.media.Schema;

import dev.attune.modeling.AttentionImplementation;
import dev.attune.modeling.ClassifierModel;
import dev.attune.modeling.EnumNames;
import dev.attune.modeling.LongText;
import dev.attune.modeling.LoraSettings;
import dev.attune.modeling.Precision;
import dev.attune.modeling.ProblemType;

/**
 * How a fine-tuning run trains: the one place its options, their bounds and their defaults live. A job's
 * request binds to it as sent (null: not given); {@link #withDefaults} fills every default once, at
 * submission, and that is what the job stores and the run reads. The defaults are transformers' Trainer
 * defaults where it has one; {@link #DEFAULTS} holds them (the API docs show them from there).
 *
 * @param strategy full (default: every weight), last_layers (the top lastLayers layers and the head), head
 *     (encoder frozen, features computed once) or lora (frozen encoder, a LoRA adapter on the target layers, the
 *     head and pooler trained in full; the model is saved and served as its adapter over the base) or setfit (the
 *     encoder tuned contrastively on sentence pairs, then a logistic-regression head fitted on its frozen sentence
 *     embeddings; epochs, learningRate, batchSize and warmupRatio default to SetFit's 1, 2e-5, 16 pairs and 0.1)
 * @param lastLayers layers trained by last_layers, default 2; null for the other strategies
 * @param init pretrained (default) or random: the same architecture with fresh weights, a baseline
 * @param epochs passes over the training set, default 3
 * @param learningRate peak AdamW learning rate, default 5e-5 (1e-3 for head, 3e-3 for lora)
 * @param batchSize texts (or text pairs) per step, default 32
 * @param maxLength tokens per text (per pair: both sides together), default the tokenizer's model_max_length
 *     (never beyond the model's positions)
 * @param warmupRatio share of steps with linear warm-up, default 0.06
 * @param weightDecay AdamW decoupled weight decay (not on biases and LayerNorm), default 0.01
 * @param gradientAccumulationSteps batches per optimizer step, default 1
 * @param maxGradNorm clip the global gradient norm to this, default 1.0 (0: no clipping)
 * @param seed the same seed gives the same run, default 42
 * @param scheduler linear (default) or cosine decay after warm-up
 * @param metricForBest what picks the best evaluation: accuracy, f1_macro, f1_micro or loss for classifiers
 *     (default accuracy; f1_macro for multi-label), loss, mae, rmse, pearson or spearman for regression (default rmse)
 * @param earlyStoppingPatience stop after this many evaluations without gain; default never
 * @param evalEverySteps evaluate every N optimizer steps; default (or 0) each epoch
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
 * @param attentionDropout dropout on the attention probabilities while training; default (null) on a GPU the
 *     checkpoint's (attention_probs_dropout_prob, 0.1 in BERT-like configs), on a CPU none: libtorch's fused attention
 *     kernel for CPUs has no dropout, and with it a step at 256 tokens is about 1.5x faster, with SST-2 accuracy
 *     unchanged over four seeds (bench/RESULTS.md). Give the number to have it on a CPU
 * @param precision auto (default: bf16 on a GPU from Ampere on, fp16 on older ones; on a CPU bf16 where
 *     its products are native, AVX-512 BF16 or AMX, else fp32), fp32, bf16: the linear layers' products in
 *     bfloat16, everything else in fp32, or fp16: the same in float16 with dynamic loss scaling (for GPUs
 *     without bf16)
 * @param groupByLength false (default): random batches, as transformers' Trainer; true: batches of
 *     similar-length texts, little padding (on short texts about 2.4x faster on a CPU, about a point less
 *     accurate on SST-2: bench/RESULTS.md)
 * @param longText how a text longer than maxLength is read by evaluation, /predict and batch scoring: truncate
 *     (default: the first maxLength tokens), head_tail (the first quarter of the room and the end of the text; it
 *     trains that way too) or sliding_window (windows of maxLength tokens, windowStride apart, their logits
 *     averaged; every window of a long training text is a training example with its label). The model keeps it as
 *     its default; /predict may override it
 * @param windowStride tokens between two sliding windows' starts, default half of maxLength
 * @param lora strategy lora only: r (default 8), alpha (16), dropout (0.1), targetModules (the attention's query and
 *     value projections)
 * @param setfit strategy setfit only: pairsPerExample (default 20)
 */
@Schema(description = "How a fine-tuning run trains; every option may be left out for its default.")
public record TrainingOptions(
        @Schema(example = "full") Strategy strategy,
        @Schema(example = "2") @Min(1) @Max(1000) Integer lastLayers,
        @Schema(example = "pretrained") Init init,
        @Schema(example = "1") @Min(1) @Max(1000) Integer epochs,
        @Schema(example = "5e-5") @DecimalMin(value = "0", inclusive = false) @DecimalMax("1") Double learningRate,
        @Schema(example = "32") @Min(1) @Max(1024) Integer batchSize,
        @Schema(example = "64") @Min(2) @Max(8192) Integer maxLength,
        @Schema(example = "0.06") @DecimalMin("0") @DecimalMax(value = "1", inclusive = false) Double warmupRatio,
        @Schema(example = "0.01") @DecimalMin("0") @DecimalMax("1") Double weightDecay,
        @Schema(example = "1") @Min(1) @Max(1024) Integer gradientAccumulationSteps,
        @Schema(example = "1.0") @DecimalMin("0") @DecimalMax("1000000") Double maxGradNorm,
        @Schema(example = "42") Long seed,
        @Schema(example = "linear") Scheduler scheduler,
        @Schema(example = "accuracy") MetricForBest metricForBest,
        @Schema(example = "3") @Min(1) @Max(1000) Integer earlyStoppingPatience,
        @Schema(example = "40") @Min(0) @Max(1_000_000) Integer evalEverySteps,
        @Schema(example = "0.1") @DecimalMin(value = "0", inclusive = false) @DecimalMax(value = "1", inclusive = false)
        Double validationSplit,
        @Schema(example = "3000") @Min(2) Integer maxTrainSamples,
        @Schema(example = "single_label_classification") ProblemType problemType,
        @Schema(oneOf = {String.class, java.util.Map.class}, example = "balanced") ClassWeights classWeights,
        @Schema(oneOf = {String.class, Double.class}, example = "tuned") Thresholds thresholds,
        @Schema(example = "sdpa") AttentionImplementation attention,
        @Schema(example = "0.0") @DecimalMin("0") @DecimalMax(value = "1", inclusive = false) Double attentionDropout,
        @Schema(example = "auto") Precision precision,
        @Schema(example = "false") Boolean groupByLength,
        @Schema(example = "sliding_window") LongText longText,
        @Schema(example = "64") @Min(1) @Max(8192) Integer windowStride,
        @Schema(example = "{\"r\": 8, \"alpha\": 16}") @Valid LoraSettings lora,
        @Schema(example = "{\"pairsPerExample\": 20}") @Valid SetFitSettings setfit) {

    /**
     * Every default that does not depend on the job (null: decided per job: lastLayers only for last_layers,
     * maxLength by the tokenizer, metricForBest and problemType by the data, none for the optional limits).
     */
    public static final TrainingOptions DEFAULTS = new TrainingOptions(Strategy.FULL, null, Init.PRETRAINED, 3, 5e-5,
            32, null, 0.06, 0.01, 1, 1.0, 42L, Scheduler.LINEAR, null, null, null, 0.1, null, null, ClassWeights.NONE,
            Thresholds.TUNED, AttentionImplementation.SDPA, null, Precision.AUTO, false, LongText.TRUNCATE, null, null, null);

    /** The default learning rate of the head strategy: a fresh head alone learns faster than a whole encoder. */
    static final double HEAD_LEARNING_RATE = 1e-3;

    /**
     * The default learning rate of the lora strategy: the adapters start at zero and are few, so they want a
     * larger step than a whole encoder (chosen on SST-2: bench/lora.sh, bench/RESULTS.md).
     */
    static final double LORA_LEARNING_RATE = 3e-3;

    /**
     * SetFit's defaults for its contrastive stage (setfit's TrainingArguments: body learning rate 2e-5, batch size
     * 16, one epoch, warm-up 10%).
     */
    static final double SETFIT_LEARNING_RATE = 2e-5;
    static final int SETFIT_BATCH_SIZE = 16;
    static final int SETFIT_EPOCHS = 1;
    static final double SETFIT_WARMUP_RATIO = 0.1;

    /** The default lastLayers of the last_layers strategy. */
    static final int LAST_LAYERS = 2;

    /** Nothing asked: every option takes its default. */
    public static TrainingOptions none() {
        return new TrainingOptions(null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    /**
     * These options with every default filled in.
     *
     * @param suggestedProblemType the problem type when none was asked (the training data set's suggestion)
     * @param tokenizerMaxLength the tokenizer's model_max_length, when known (null: decided when the run starts)
     */
    public TrainingOptions withDefaults(ProblemType suggestedProblemType, Integer tokenizerMaxLength) {
        Strategy s = or(strategy, DEFAULTS.strategy);
        ProblemType type = or(problemType, suggestedProblemType);
        return new TrainingOptions(s,
                s == Strategy.LAST_LAYERS ? or(lastLayers, LAST_LAYERS) : null,
                or(init, DEFAULTS.init),
                or(epochs, s == Strategy.SETFIT ? SETFIT_EPOCHS : DEFAULTS.epochs),
                or(learningRate, switch (s) {
                    case HEAD -> HEAD_LEARNING_RATE;
                    case LORA -> LORA_LEARNING_RATE;
                    case SETFIT -> SETFIT_LEARNING_RATE;
                    default -> DEFAULTS.learningRate;
                }),
                or(batchSize, s == Strategy.SETFIT ? SETFIT_BATCH_SIZE : DEFAULTS.batchSize),
                or(maxLength, tokenizerMaxLength),
                or(warmupRatio, s == Strategy.SETFIT ? SETFIT_WARMUP_RATIO : DEFAULTS.warmupRatio),
                or(weightDecay, DEFAULTS.weightDecay),
                or(gradientAccumulationSteps, DEFAULTS.gradientAccumulationSteps),
                or(maxGradNorm, DEFAULTS.maxGradNorm),
                or(seed, DEFAULTS.seed),
                or(scheduler, DEFAULTS.scheduler),
                or(metricForBest, MetricForBest.defaultFor(type)),
                earlyStoppingPatience,
                evalEverySteps == null || evalEverySteps == 0 ? null : evalEverySteps,
                or(validationSplit, DEFAULTS.validationSplit),
                maxTrainSamples,
                type,
                or(classWeights, DEFAULTS.classWeights),
                or(thresholds, DEFAULTS.thresholds),
                or(attention, DEFAULTS.attention),
                attentionDropout,
                or(precision, DEFAULTS.precision),
                or(groupByLength, DEFAULTS.groupByLength),
                or(longText, DEFAULTS.longText),
                windowStride,
                s == Strategy.LORA ? or(lora, LoraSettings.NONE).withDefaults(null) : lora,
                s == Strategy.SETFIT ? or(setfit, SetFitSettings.NONE).withDefaults() : setfit);
    }

    /** These options with the LoRA target modules resolved for an architecture (PEFT's defaults). */
    public TrainingOptions withLoraTargets(String modelType) {
        if (lora == null || lora.targetModules() != null) {
            return this;
        }
        return new TrainingOptions(strategy, lastLayers, init, epochs, learningRate, batchSize, maxLength, warmupRatio,
                weightDecay, gradientAccumulationSteps, maxGradNorm, seed, scheduler, metricForBest,
                earlyStoppingPatience, evalEverySteps, validationSplit, maxTrainSamples, problemType, classWeights,
                thresholds, attention, attentionDropout, precision, groupByLength, longText, windowStride,
                lora.withDefaults(modelType),
                setfit);
    }

    /** The attention dropout a run on this model uses: the one asked, else the default above for its device. */
    public double attentionDropoutFor(ClassifierModel model) {
        return attentionDropout != null ? attentionDropout
                : model.manager().getDevice().isGpu() ? model.config().attentionDropout() : 0;
    }

    private static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }

    /** Enums written in lower case on the API and in stored configurations ("last_layers"). */
    public interface Named {
        String name();

        @JsonValue
        default String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public enum Strategy implements Named {
        FULL, LAST_LAYERS, HEAD, LORA, SETFIT;

        @JsonCreator
        public static Strategy of(String id) {
            return parse(Strategy.class, id).orElseThrow(() -> unknown(Strategy.class, id));
        }
    }

    public enum Init implements Named {
        PRETRAINED, RANDOM;

        @JsonCreator
        public static Init of(String id) {
            return parse(Init.class, id).orElseThrow(() -> unknown(Init.class, id));
        }
    }

    public enum Scheduler implements Named {
        LINEAR, COSINE;

        @JsonCreator
        public static Scheduler of(String id) {
            return parse(Scheduler.class, id).orElseThrow(() -> unknown(Scheduler.class, id));
        }
    }

    public enum MetricForBest implements Named {
        ACCURACY, F1_MACRO, F1_MICRO, LOSS, MAE, RMSE, PEARSON, SPEARMAN;

        /** Whether this metric exists for a problem type (mae for a classifier does not). */
        public boolean appliesTo(ProblemType type) {
            return switch (this) {
                case LOSS -> true;
                case ACCURACY, F1_MACRO, F1_MICRO -> type.isClassification();
                case MAE, RMSE, PEARSON, SPEARMAN -> type == ProblemType.REGRESSION;
            };
        }

        /** The metric picked when a job names none. */
        static MetricForBest defaultFor(ProblemType type) {
            return type == null ? ACCURACY : switch (type) {
                case SINGLE_LABEL_CLASSIFICATION -> ACCURACY;
                case MULTI_LABEL_CLASSIFICATION -> F1_MACRO;
                case REGRESSION -> RMSE;
            };
        }

        @JsonCreator
        public static MetricForBest of(String id) {
            return parse(MetricForBest.class, id).orElseThrow(() -> unknown(MetricForBest.class, id));
        }
    }

    /** The constant whose lower-case name is {@code id} (case and surrounding blanks ignored). */
    public static <E extends Enum<E>> Optional<E> parse(Class<E> type, String id) {
        return EnumNames.parse(type, id);
    }

    private static IllegalArgumentException unknown(Class<? extends Enum<?>> type, String id) {
        return new IllegalArgumentException("'" + id + "' is not one of " + Arrays.stream(type.getEnumConstants())
                .map(e -> e.name().toLowerCase(Locale.ROOT)).toList());
    }
}
