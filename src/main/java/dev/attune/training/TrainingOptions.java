package dev.attune.training;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import dev.attune.modeling.AttentionImplementation;
import dev.attune.modeling.EnumNames;
import dev.attune.modeling.Precision;
import dev.attune.modeling.ProblemType;

/**
 * Everything a fine-tuning run can be asked for, every value resolved (the defaults are
 * transformers' Trainer defaults where it has one). Build with {@link #builder()}: unset or null
 * values take their default.
 *
 * @param strategy full (every weight), last_layers (top {@code lastLayers} encoder layers + head) or
 *     head (encoder frozen, its features computed once and cached)
 * @param lastLayers layers trained by last_layers; null for the other strategies
 * @param init pretrained (the checkpoint's weights) or random (same architecture, fresh weights)
 * @param epochs passes over the training set
 * @param learningRate peak AdamW learning rate
 * @param batchSize texts per step
 * @param maxLength tokens per text; null: the tokenizer's model_max_length
 * @param warmupRatio share of steps with linear warm-up
 * @param weightDecay AdamW decoupled weight decay (not on biases and LayerNorm weights)
 * @param gradientAccumulationSteps batches per optimizer step
 * @param maxGradNorm the global gradient norm is clipped to this (0: no clipping)
 * @param seed the same seed gives the same run
 * @param scheduler linear or cosine decay after warm-up
 * @param metricForBest what picks the best evaluation: accuracy, f1_macro, f1_micro or loss for
 *     classification (default accuracy; f1_macro for multi-label), loss, mae, rmse, pearson or spearman
 *     for regression (default rmse)
 * @param earlyStoppingPatience stop after this many evaluations without gain; null: never
 * @param evalEverySteps evaluate every N optimizer steps; null or 0: at the end of each epoch
 * @param validationSplit fraction of the training set held out (stratified, seeded) when no
 *     validation data set is given
 * @param maxTrainSamples cap on training rows; null: all
 * @param problemType single_label_classification, multi_label_classification or regression; null: as the
 *     training data set suggests
 * @param classWeights none, balanced or a label → weight map (see {@link ClassWeights})
 * @param thresholds multi-label decisions: tuned per label on validation, or one fixed probability
 * @param attention sdpa (libtorch's fused kernel) or eager (the reference in separate operations)
 * @param precision auto (bf16 on a GPU from Ampere on, else fp16; on a CPU bf16 where native, else fp32), fp32, bf16 or fp16 products in the linear layers
 *     (weights, layer norm, softmax, loss in fp32; fp16 with dynamic loss scaling)
 * @param groupByLength training batches of similar-length texts (less padding: faster on texts of mixed
 *     length) instead of random ones (the default, as transformers' Trainer: group_by_length=False; more
 *     accurate on SST-2, bench/RESULTS.md); a configuration stored before the option existed reads true
 */
public record TrainingOptions(
        Strategy strategy,
        Integer lastLayers,
        Init init,
        int epochs,
        double learningRate,
        int batchSize,
        Integer maxLength,
        double warmupRatio,
        double weightDecay,
        int gradientAccumulationSteps,
        double maxGradNorm,
        long seed,
        Scheduler scheduler,
        MetricForBest metricForBest,
        Integer earlyStoppingPatience,
        Integer evalEverySteps,
        double validationSplit,
        Integer maxTrainSamples,
        ProblemType problemType,
        ClassWeights classWeights,
        Thresholds thresholds,
        AttentionImplementation attention,
        Precision precision,
        Boolean groupByLength) {

    /** Configurations stored before an option existed read it as its default. */
    public TrainingOptions {
        classWeights = classWeights == null ? ClassWeights.NONE : classWeights;
        thresholds = thresholds == null ? Thresholds.TUNED : thresholds;
        attention = attention == null ? AttentionImplementation.SDPA : attention;
        precision = precision == null ? Precision.AUTO : precision;
        groupByLength = groupByLength == null ? Boolean.TRUE : groupByLength; // what jobs before the option did
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
        FULL, LAST_LAYERS, HEAD;

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

    /** The lower-case names of an enum's constants, as the API spells them. */
    public static <E extends Enum<E>> java.util.List<String> idsOf(Class<E> type) {
        return EnumNames.ids(type);
    }

    private static IllegalArgumentException unknown(Class<? extends Enum<?>> type, String id) {
        return new IllegalArgumentException("'" + id + "' is not one of " + Arrays.stream(type.getEnumConstants())
                .map(e -> e.name().toLowerCase(Locale.ROOT)).toList());
    }

    public static TrainingOptions defaults() {
        return builder().build();
    }

    public static TrainingOptionsBuilder builder() {
        return new TrainingOptionsBuilder();
    }

    /** A builder preset with these options, to change a few. */
    public TrainingOptionsBuilder toBuilder() {
        return new TrainingOptionsBuilder().strategy(strategy).lastLayers(lastLayers).init(init).epochs(epochs)
                .learningRate(learningRate).batchSize(batchSize).maxLength(maxLength).warmupRatio(warmupRatio)
                .weightDecay(weightDecay).gradientAccumulationSteps(gradientAccumulationSteps).maxGradNorm(maxGradNorm)
                .seed(seed).scheduler(scheduler).metricForBest(metricForBest).earlyStoppingPatience(earlyStoppingPatience)
                .evalEverySteps(evalEverySteps).validationSplit(validationSplit).maxTrainSamples(maxTrainSamples)
                .problemType(problemType).classWeights(classWeights).thresholds(thresholds).attention(attention)
                .precision(precision).groupByLength(groupByLength);
    }
}
