package dev.attune.training;

import java.nio.file.Path;
import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.attune.modeling.ClassifierModel;
import dev.attune.modeling.ProblemType;
import dev.attune.modeling.Scalars;

/**
 * The training loop: AdamW with linear/cosine warm-up schedule, global-norm clipping, gradient
 * accumulation, evaluation every N steps or each epoch, early stopping, and the best evaluation's
 * weights saved as a Hugging Face checkpoint. Every batch runs in its own NDManager scope, so memory
 * stays flat. Progress and cancellation go through {@link TrainingListener}, outside the loop.
 */
public final class FineTuner {

    /**
     * Steps between reads of the loss and the skipped-step count from the device (also at the first step,
     * each epoch's end and each evaluation); progress reports in between repeat the last read loss.
     */
    static final int READ_EVERY_STEPS = 10;


    private final ClassifierModel model;
    private final TrainingOptions options;
    private final TrainingListener listener;

    public FineTuner(ClassifierModel model, TrainingOptions options, TrainingListener listener) {
        this.model = model;
        this.options = options;
        this.listener = listener;
    }

    /** Trains on {@code train}, evaluates on {@code validation}, and keeps the best weights in {@code bestDir}. */
    public TrainingResult train(TokenizedExamples train, TokenizedExamples validation, Path bestDir) {
        return train(train, validation, bestDir, null);
    }

    /**
     * As {@link #train(TokenizedExamples, TokenizedExamples, Path)}, saving a resume point at every
     * evaluation; if {@code resume} already holds one, the run continues from it (the caller loaded the
     * model from {@link ResumePoint#modelDir()}).
     */
    public TrainingResult train(TokenizedExamples train, TokenizedExamples validation, Path bestDir, ResumePoint resume) {
        boolean headOnly = options.strategy() == TrainingOptions.Strategy.HEAD;
        int evalBatch = options.batchSize() * 2;
        LogitsSource trainSource;
        LogitsSource validationSource;
        if (headOnly) {
            listener.log("strategy head: computing encoder features once for " + train.size() + " + "
                    + validation.size() + " examples");
            trainSource = CachedFeatureLogits.compute(model, train, evalBatch);
            validationSource = CachedFeatureLogits.compute(model, validation, evalBatch);
        } else {
            trainSource = new EncoderLogits(model, train, options.groupByLength());
            validationSource = new EncoderLogits(model, validation);
        }
        if (validation.windowStarts() != null) { // a sliding-window model is judged as it serves: windows averaged
            validationSource = new WindowedLogits(validationSource, validation.windowStarts());
        }
        Objective objective = Objective.forTraining(model.problemType(), model.config().labels(), options,
                trainSource.targets());
        if (objective.weights() != null) {
            listener.log((model.problemType() == ProblemType.MULTI_LABEL_CLASSIFICATION ? "pos_weight" : "class weights")
                    + " " + weightsByLabel(objective.weights()));
        }
        List<AdamW.Trainable> trainable = TrainableParameters.select(model, options);
        listener.log("training " + trainable.size() + " parameter tensors ("
                + trainable.stream().mapToLong(t -> t.weight().size()).sum() + " weights), strategy "
                + options.strategy().id());
        RunState state = RunState.fresh(options.seed(), model.precision().needsLossScaling(),
                options.attentionDropoutFor(model));
        if (resume != null && resume.exists()) {
            state = RunState.of(resume.readState(), model.config().attentionDropout());
            if (state.attentionDropout != options.attentionDropoutFor(model)) {
                listener.log("attention dropout " + state.attentionDropout + ", as when this run started");
            }
        }
        model.useAttentionDropout(state.attentionDropout);
        try (AdamW optimizer = new AdamW(trainable, options.weightDecay(), model.manager(), state.lossScale);
                LossSum losses = new LossSum(model.manager())) {
            if (resume != null && resume.exists()) {
                resume.restoreOptimizer(optimizer);
                listener.log("resumed from step " + state.step + " (epoch " + (state.epoch + 1) + ", batch "
                        + state.nextBatch + ")");
            }
            return loop(trainSource, validationSource, objective, optimizer, losses, evalBatch, bestDir, state,
                    resume);
        } finally {
            trainable.forEach(t -> t.weight().setRequiresGradient(false));
        }
    }

    private String weightsByLabel(double[] weights) {
        StringBuilder text = new StringBuilder("{");
        for (int c = 0; c < weights.length; c++) {
            text.append(c == 0 ? "" : ", ").append(model.config().labels().get(c)).append('=')
                    .append("%.3f".formatted(weights[c]));
        }
        return text.append('}').toString();
    }

    private TrainingResult loop(LogitsSource trainSource, LogitsSource validationSource, Objective objective,
            AdamW optimizer, LossSum losses, int evalBatch, Path bestDir, RunState state, ResumePoint resume) {
        int accumulation = options.gradientAccumulationSteps();
        int batchesPerEpoch = (trainSource.size() + options.batchSize() - 1) / options.batchSize();
        long stepsPerEpoch = (batchesPerEpoch + accumulation - 1) / accumulation;
        long totalSteps = stepsPerEpoch * options.epochs();
        LearningRateSchedule schedule = LearningRateSchedule.of(options, totalSteps);
        int evalEvery = options.evalEverySteps() == null ? 0 : options.evalEverySteps();
        long startSamples = state.samples;
        double lossSinceEval = 0;
        int batchesSinceEval = 0;
        double lastLoss = Double.NaN;
        long skippedSeen = 0;
        RunClock clock = new RunClock(state.step);
        boolean stoppedEarly = false;
        listener.onPhase(TrainingListener.Phase.TRAINING, state.step, totalSteps);

        epochs:
        for (; state.epoch < options.epochs(); state.epoch++, state.nextBatch = 0) {
            state.startEpoch();
            List<int[]> batches = trainSource.trainingBatches(options.batchSize(), state.random);
            for (int b = state.nextBatch; b < batches.size(); b++) {
                if (listener.cancelRequested()) {
                    throw new TrainingCancelledException(state.step);
                }
                int[] batch = batches.get(b);
                backward(trainSource, objective, batch, accumulation, dropoutSeed(state.epoch, b), optimizer, losses);
                state.samples += batch.length;
                boolean stepNow = (b + 1) % accumulation == 0 || b == batches.size() - 1;
                if (!stepNow) {
                    continue;
                }
                double rate = schedule.rate(state.step);
                optimizer.step(rate, options.maxGradNorm());
                state.step++;
                boolean endOfEpoch = b == batches.size() - 1;
                boolean evaluateNow = (evalEvery > 0 && state.step % evalEvery == 0) || (evalEvery == 0 && endOfEpoch)
                        || (evalEvery > 0 && state.step == totalSteps);
                if (state.step == 1 || state.step % READ_EVERY_STEPS == 0 || endOfEpoch || evaluateNow) {
                    LossSum.Window window = losses.take();
                    skippedSeen = checkFinite(window, optimizer, skippedSeen, state);
                    lastLoss = window.finite() > 0 ? window.mean() : lastLoss;
                    lossSinceEval += window.sum();
                    batchesSinceEval += window.finite();
                }
                // the evaluation at this step, if any, comes after this report: count from the step before
                double eta = clock.eta(state.step, totalSteps,
                        RunClock.evaluationsAfter(state.step - 1, totalSteps, evalEvery, stepsPerEpoch));
                listener.onStep(new TrainingListener.Progress(state.epoch + 1, state.step, totalSteps,
                        (state.samples - startSamples) / clock.seconds(), eta, lastLoss, rate));
                if (evaluateNow) {
                    long evaluationStart = System.nanoTime();
                    double epochPosition = state.epoch + (double) (b + 1) / batches.size();
                    evaluate(validationSource, objective, evalBatch, state, epochPosition,
                            lossSinceEval / Math.max(1, batchesSinceEval), bestDir);
                    lossSinceEval = 0;
                    batchesSinceEval = 0;
                    // after the last step nothing is left to resume: the run registers its best weights next
                    if (resume != null && state.step < totalSteps) {
                        listener.onPhase(TrainingListener.Phase.SAVING, 0, 0);
                        state.lossScale = optimizer.lossScale();
                        resume.save(model, optimizer, state.snapshotAfter(b, batches.size()));
                    }
                    clock.evaluated(evaluationStart);
                    listener.onPhase(TrainingListener.Phase.TRAINING, state.step, totalSteps);
                    if (options.earlyStoppingPatience() != null
                            && state.evaluationsWithoutGain >= options.earlyStoppingPatience()) {
                        stoppedEarly = state.step < totalSteps;
                        listener.log("early stopping: no gain on " + options.metricForBest().id() + " for "
                                + state.evaluationsWithoutGain + " evaluations");
                        break epochs;
                    }
                }
            }
        }
        double seconds = clock.seconds();
        return new TrainingResult(state.best, List.copyOf(state.history), state.step, stoppedEarly,
                (state.samples - startSamples) / seconds, seconds);
    }

    /** One evaluation: records it, keeps the weights when they are the best so far, tells the listener. */
    private void evaluate(LogitsSource validationSource, Objective objective, int evalBatch, RunState state,
            double epochPosition, double trainLoss, Path bestDir) {
        EvaluationMetrics metrics = Evaluator.evaluate(model, validationSource, evalBatch, objective,
                (done, total) -> listener.onPhase(TrainingListener.Phase.EVALUATING, done, total));
        EvaluationPoint point = new EvaluationPoint(state.step, epochPosition, trainLoss, metrics);
        state.history.add(point);
        TrainingOptions.MetricForBest metric = options.metricForBest();
        boolean improved = state.best == null || metrics.score(metric) > state.best.metrics().score(metric);
        if (improved) {
            state.best = point;
            state.evaluationsWithoutGain = 0;
            if (metrics instanceof MultiLabelMetrics multiLabel) {
                model.useThresholds(multiLabel.thresholds()); // saved in config.json with these weights
            }
            listener.onPhase(TrainingListener.Phase.SAVING, 0, 0);
            saveBest(bestDir);
        } else {
            state.evaluationsWithoutGain++;
        }
        listener.onEvaluation(point, improved);
        listener.log("step %d epoch %.2f: train loss %.4f, validation %s%s".formatted(state.step, point.epoch(),
                point.trainLoss(), metrics.summary(), improved ? " (best)" : ""));
    }

    /**
     * Scores a finished model on examples (eval mode, no gradients, unweighted loss); a multi-label model
     * decides with its own thresholds.
     */
    public static EvaluationMetrics evaluate(ClassifierModel model, TokenizedExamples data, int batchSize) {
        return evaluate(model, data, batchSize, TrainingListener.NONE);
    }

    /** As {@link #evaluate(ClassifierModel, TokenizedExamples, int)}, reporting the TESTING phase's batches. */
    public static EvaluationMetrics evaluate(ClassifierModel model, TokenizedExamples data, int batchSize,
            TrainingListener listener) {
        Objective objective = Objective.forScoring(model.problemType(), model.config().labels(), model.thresholds());
        return Evaluator.evaluate(model, new EncoderLogits(model, data), batchSize, objective,
                (done, total) -> listener.onPhase(TrainingListener.Phase.TESTING, done, total));
    }

    /**
     * Dropout draws from libtorch's process-wide generator. Seeding it before every micro-batch from (seed,
     * epoch, batch) makes each batch's masks independent of what ran before: a run resumed from any
     * evaluation repeats the uninterrupted run exactly.
     */
    private int dropoutSeed(int epoch, int batch) {
        long mixed = options.seed() * 0x9E3779B97F4A7C15L + epoch * 1_000_003L + batch;
        return (int) (mixed ^ (mixed >>> 32));
    }

    /**
     * Forward and backward of one micro-batch; its (unscaled) mean loss is added to {@code losses} on the
     * device. The forward pass (where dropout draws) takes its turn on the shared generator, so workers
     * training at once on other devices cannot shift its masks; the backward pass draws nothing and runs
     * outside that turn. Nothing here waits for the device.
     */
    private void backward(LogitsSource source, Objective objective, int[] batch, int accumulation, int seed,
            AdamW optimizer, LossSum losses) {
        try (NDManager scope = model.manager().newSubManager();
                ThreadGradients gradients = new ThreadGradients()) {
            NDArray logits = GlobalGenerator.seeded(seed, () -> source.logits(scope, batch, true));
            NDArray loss = objective.loss(logits, source.targets().select(batch), scope);
            NDArray scaled = model.precision().needsLossScaling() ? loss.mul(optimizer.lossScaleTensor()) : loss;
            if (accumulation > 1) {
                scaled = scaled.div(Scalars.of(loss, accumulation));
            }
            gradients.backward(scaled);
            losses.add(loss);
        }
    }

    /**
     * What the device did since the last read: a non-finite loss or a skipped step fails a run without loss
     * scaling (the optimizer skipped that step, so the weights stay finite); under fp16 skipped steps are
     * GradScaler's overflow handling, logged with the new scale, until the scale runs out. Returns the
     * optimizer's skipped-step count now.
     */
    private long checkFinite(LossSum.Window window, AdamW optimizer, long skippedSeen, RunState state) {
        boolean dynamic = model.precision().needsLossScaling();
        if (window.nonFinite() > 0 && !dynamic) {
            throw new TrainingFailedException("non_finite_loss", "The training loss became NaN or infinite by step "
                    + state.step + " (epoch " + (state.epoch + 1) + "). Lower learningRate or maxGradNorm, or check "
                    + "the data.");
        }
        long skipped = optimizer.skippedSteps();
        if (skipped == skippedSeen) {
            return skipped;
        }
        if (!dynamic) {
            throw new TrainingFailedException("non_finite_gradient", "A gradient became NaN or infinite by step "
                    + state.step + " (that step was not applied). Lower learningRate or check the data.");
        }
        state.lossScale = optimizer.lossScale();
        if (state.lossScale.scale() < LossScale.MINIMUM) {
            throw new TrainingFailedException("non_finite_gradient", "The fp16 gradients stayed non-finite "
                    + "down to a loss scale of " + state.lossScale.scale() + ". Use precision bf16 or fp32, or lower "
                    + "learningRate.");
        }
        listener.log("fp16: gradients overflowed, " + (skipped - skippedSeen) + " step(s) skipped by step "
                + state.step + ", loss scale now " + state.lossScale.scale());
        return skipped;
    }

    /** Replaces bestDir with the current weights, atomically. */
    private void saveBest(Path bestDir) {
        RunDirectory.replace(bestDir, model::save);
    }
}
