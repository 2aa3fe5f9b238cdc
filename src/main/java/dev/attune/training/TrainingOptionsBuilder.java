package dev.attune.training;

import dev.attune.modeling.AttentionImplementation;
import dev.attune.modeling.Precision;
import dev.attune.modeling.ProblemType;
import dev.attune.training.TrainingOptions.Init;
import dev.attune.training.TrainingOptions.MetricForBest;
import dev.attune.training.TrainingOptions.Scheduler;
import dev.attune.training.TrainingOptions.Strategy;

/** Collects {@link TrainingOptions}; {@link #build()} fills every unset (null) one with its default. */
public final class TrainingOptionsBuilder {

    private Strategy strategy;
    private Integer lastLayers;
    private Init init;
    private Integer epochs;
    private Double learningRate;
    private Integer batchSize;
    private Integer maxLength;
    private Double warmupRatio;
    private Double weightDecay;
    private Integer gradientAccumulationSteps;
    private Double maxGradNorm;
    private Long seed;
    private Scheduler scheduler;
    private MetricForBest metricForBest;
    private Integer earlyStoppingPatience;
    private Integer evalEverySteps;
    private Double validationSplit;
    private Integer maxTrainSamples;
    private ProblemType problemType;
    private ClassWeights classWeights;
    private Thresholds thresholds;
    private AttentionImplementation attention;
    private Precision precision;
    private Boolean groupByLength;

    TrainingOptionsBuilder() {
    }

    public TrainingOptionsBuilder groupByLength(Boolean value) {
        groupByLength = value;
        return this;
    }

    public TrainingOptionsBuilder precision(Precision value) {
        precision = value;
        return this;
    }

    public TrainingOptionsBuilder attention(AttentionImplementation value) {
        attention = value;
        return this;
    }

    public TrainingOptionsBuilder problemType(ProblemType value) {
        problemType = value;
        return this;
    }

    public TrainingOptionsBuilder classWeights(ClassWeights value) {
        classWeights = value;
        return this;
    }

    public TrainingOptionsBuilder thresholds(Thresholds value) {
        thresholds = value;
        return this;
    }

    public TrainingOptionsBuilder strategy(Strategy value) {
        strategy = value;
        return this;
    }

    public TrainingOptionsBuilder lastLayers(Integer value) {
        lastLayers = value;
        return this;
    }

    public TrainingOptionsBuilder init(Init value) {
        init = value;
        return this;
    }

    public TrainingOptionsBuilder epochs(Integer value) {
        epochs = value;
        return this;
    }

    public TrainingOptionsBuilder learningRate(Double value) {
        learningRate = value;
        return this;
    }

    public TrainingOptionsBuilder batchSize(Integer value) {
        batchSize = value;
        return this;
    }

    public TrainingOptionsBuilder maxLength(Integer value) {
        maxLength = value;
        return this;
    }

    public TrainingOptionsBuilder warmupRatio(Double value) {
        warmupRatio = value;
        return this;
    }

    public TrainingOptionsBuilder weightDecay(Double value) {
        weightDecay = value;
        return this;
    }

    public TrainingOptionsBuilder gradientAccumulationSteps(Integer value) {
        gradientAccumulationSteps = value;
        return this;
    }

    public TrainingOptionsBuilder maxGradNorm(Double value) {
        maxGradNorm = value;
        return this;
    }

    public TrainingOptionsBuilder seed(Long value) {
        seed = value;
        return this;
    }

    public TrainingOptionsBuilder scheduler(Scheduler value) {
        scheduler = value;
        return this;
    }

    public TrainingOptionsBuilder metricForBest(MetricForBest value) {
        metricForBest = value;
        return this;
    }

    public TrainingOptionsBuilder earlyStoppingPatience(Integer value) {
        earlyStoppingPatience = value;
        return this;
    }

    public TrainingOptionsBuilder evalEverySteps(Integer value) {
        evalEverySteps = value;
        return this;
    }

    public TrainingOptionsBuilder validationSplit(Double value) {
        validationSplit = value;
        return this;
    }

    public TrainingOptionsBuilder maxTrainSamples(Integer value) {
        maxTrainSamples = value;
        return this;
    }

    public TrainingOptions build() {
        Strategy s = strategy == null ? Strategy.FULL : strategy;
        return new TrainingOptions(s,
                lastLayers == null ? (s == Strategy.LAST_LAYERS ? 2 : null) : lastLayers,
                init == null ? Init.PRETRAINED : init,
                epochs == null ? 3 : epochs,
                learningRate == null ? (s == Strategy.HEAD ? 1e-3 : 5e-5) : learningRate,
                batchSize == null ? 32 : batchSize,
                maxLength,
                warmupRatio == null ? 0.06 : warmupRatio,
                weightDecay == null ? 0.01 : weightDecay,
                gradientAccumulationSteps == null ? 1 : gradientAccumulationSteps,
                maxGradNorm == null ? 1.0 : maxGradNorm,
                seed == null ? 42L : seed,
                scheduler == null ? Scheduler.LINEAR : scheduler,
                metricForBest == null ? MetricForBest.defaultFor(problemType) : metricForBest,
                earlyStoppingPatience,
                evalEverySteps,
                validationSplit == null ? 0.1 : validationSplit,
                maxTrainSamples,
                problemType,
                classWeights == null ? ClassWeights.NONE : classWeights,
                thresholds == null ? Thresholds.TUNED : thresholds,
                attention,
                precision,
                groupByLength == null ? Boolean.FALSE : groupByLength);
    }
}
