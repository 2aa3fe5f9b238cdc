package dev.attune.training;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.attune.modeling.ClassifierModel;
import dev.attune.modeling.LayerNorm;
import dev.attune.modeling.ParameterNames;
import dev.attune.modeling.ProblemType;
import dev.attune.modeling.Scalars;

/**
 * The training loop: AdamW with linear/cosine warm-up schedule, global-norm clipping, gradient
 * accumulation, evaluation every N steps or each epoch, early stopping, and the best evaluation's
 * weights saved as a Hugging Face checkpoint. Every batch runs in its own NDManager scope, so memory
 * stays flat. Progress and cancellation go through {@link TrainingListener}, outside the loop.
 */
public final class FineTuner {

    private static final Pattern LAYER = Pattern.compile("\\.layer\\.(\\d+)\\.");

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
            trainSource = new EncoderLogits(model, train);
            validationSource = new EncoderLogits(model, validation);
        }
        Objective objective = Objective.forTraining(model.problemType(), model.config().labels(), options,
                trainSource.targets());
        if (objective.weights() != null) {
            listener.log((model.problemType() == ProblemType.MULTI_LABEL_CLASSIFICATION ? "pos_weight" : "class weights")
                    + " " + weightsByLabel(objective.weights()));
        }
        List<AdamW.Trainable> trainable = selectTrainable();
        listener.log("training " + trainable.size() + " parameter tensors ("
                + trainable.stream().mapToLong(t -> t.weight().size()).sum() + " weights), strategy "
                + options.strategy().id());
        try (AdamW optimizer = new AdamW(trainable, options.weightDecay(), model.manager())) {
            RunState state = RunState.fresh(options.seed(), model.precision().needsLossScaling());
            if (resume != null && resume.exists()) {
                state = RunState.of(resume.readState());
                resume.restoreOptimizer(optimizer);
                listener.log("resumed from step " + state.step + " (epoch " + (state.epoch + 1) + ", batch "
                        + state.nextBatch + ")");
            }
            return loop(trainSource, validationSource, objective, optimizer, evalBatch, bestDir, state, resume);
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
            AdamW optimizer, int evalBatch, Path bestDir, RunState state, ResumePoint resume) {
        int accumulation = options.gradientAccumulationSteps();
        int batchesPerEpoch = (trainSource.size() + options.batchSize() - 1) / options.batchSize();
        long stepsPerEpoch = (batchesPerEpoch + accumulation - 1) / accumulation;
        long totalSteps = stepsPerEpoch * options.epochs();
        LearningRateSchedule schedule = LearningRateSchedule.of(options, totalSteps);
        int evalEvery = options.evalEverySteps() == null ? 0 : options.evalEverySteps();
        long startSamples = state.samples;
        double lossSinceEval = 0;
        int batchesSinceEval = 0;
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
                double loss = backward(trainSource, objective, batch, accumulation, dropoutSeed(state.epoch, b),
                        state.lossScale.scale());
                if (!Double.isFinite(loss) && !state.lossScale.isDynamic()) {
                    throw new TrainingFailedException("non_finite_loss", "The training loss became " + loss
                            + " at step " + state.step + " (epoch " + (state.epoch + 1) + "). Lower learningRate or "
                            + "maxGradNorm, or check the data.");
                }
                if (Double.isFinite(loss)) { // under fp16 an overflowing batch is skipped with its step, below
                    lossSinceEval += loss;
                    batchesSinceEval++;
                }
                state.samples += batch.length;
                boolean stepNow = (b + 1) % accumulation == 0 || b == batches.size() - 1;
                if (!stepNow) {
                    continue;
                }
                double rate = schedule.rate(state.step);
                applyStep(optimizer, rate, state.lossScale);
                state.step++;
                // the evaluation at this step, if any, comes after this report: count from the step before
                double eta = clock.eta(state.step, totalSteps,
                        RunClock.evaluationsAfter(state.step - 1, totalSteps, evalEvery, stepsPerEpoch));
                listener.onStep(new TrainingListener.Progress(state.epoch + 1, state.step, totalSteps,
                        (state.samples - startSamples) / clock.seconds(), eta, loss, rate));
                boolean endOfEpoch = b == batches.size() - 1;
                if ((evalEvery > 0 && state.step % evalEvery == 0) || (evalEvery == 0 && endOfEpoch)
                        || (evalEvery > 0 && state.step == totalSteps)) {
                    long evaluationStart = System.nanoTime();
                    double epochPosition = state.epoch + (double) (b + 1) / batches.size();
                    evaluate(validationSource, objective, evalBatch, state, epochPosition,
                            lossSinceEval / Math.max(1, batchesSinceEval), bestDir);
                    lossSinceEval = 0;
                    batchesSinceEval = 0;
                    // after the last step nothing is left to resume: the run registers its best weights next
                    if (resume != null && state.step < totalSteps) {
                        listener.onPhase(TrainingListener.Phase.SAVING, 0, 0);
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
     * Forward and backward of one micro-batch; returns its (unscaled) mean loss. The forward pass (where
     * dropout draws) takes its turn on the shared generator, so workers training at once on other devices
     * cannot shift its masks; the backward pass draws nothing and runs outside that turn.
     */
    private double backward(LogitsSource source, Objective objective, int[] batch, int accumulation, int seed,
            double lossScale) {
        try (NDManager scope = model.manager().newSubManager();
                ThreadGradients gradients = new ThreadGradients()) {
            NDArray logits = GlobalGenerator.seeded(seed, () -> source.logits(scope, batch, true));
            NDArray loss = objective.loss(logits, source.targets().select(batch), scope);
            NDArray scaled = lossScale != 1 ? loss.mul(Scalars.of(loss, (float) (lossScale / accumulation)))
                    : accumulation == 1 ? loss : loss.div(Scalars.of(loss, accumulation));
            gradients.backward(scaled);
            return loss.getFloat();
        }
    }

    /**
     * The optimizer step from the accumulated gradients: unscaled (fp16's loss scale), clipped to
     * maxGradNorm by global norm as torch.nn.utils.clip_grad_norm_, then applied. Under a dynamic loss scale
     * a step whose gradients overflowed is skipped (the schedule still advances, as with GradScaler);
     * otherwise non-finite gradients fail the run.
     */
    private void applyStep(AdamW optimizer, double rate, LossScale lossScale) {
        if (options.maxGradNorm() <= 0 && !lossScale.isDynamic()) {
            optimizer.step(rate, 1);
            return;
        }
        double norm = optimizer.gradientNorm() / lossScale.scale();
        if (!lossScale.update(Double.isFinite(norm))) {
            optimizer.zeroGradients();
            if (lossScale.scale() < LossScale.MINIMUM) {
                throw new TrainingFailedException("non_finite_gradient", "The fp16 gradients stayed non-finite "
                        + "down to a loss scale of " + lossScale.scale() + ". Use precision bf16 or fp32, or lower "
                        + "learningRate.");
            }
            listener.log("fp16: gradients overflowed, step skipped, loss scale now " + lossScale.scale());
            return;
        }
        if (!Double.isFinite(norm)) {
            throw new TrainingFailedException("non_finite_gradient", "A gradient became " + norm
                    + ". Lower learningRate or check the data.");
        }
        double clip = options.maxGradNorm() <= 0 ? 1 : Math.min(1.0, options.maxGradNorm() / (norm + 1e-6));
        optimizer.step(rate, clip / lossScale.scale());
    }

    /** The parameters this strategy trains, marked to collect gradients; the others are frozen. */
    private List<AdamW.Trainable> selectTrainable() {
        int layers = model.config().numLayers();
        int firstTrainedLayer = options.strategy() == TrainingOptions.Strategy.LAST_LAYERS
                ? Math.max(0, layers - options.lastLayers()) : 0;
        List<AdamW.Trainable> trainable = new ArrayList<>();
        for (Map.Entry<String, ParameterNames.Slot> entry : ParameterNames.of(model.block()).entrySet()) {
            String name = entry.getKey();
            boolean head = model.block().isHeadParameter(name);
            boolean train = switch (options.strategy()) {
                case FULL -> true;
                case HEAD -> head;
                case LAST_LAYERS -> head || layerIndex(name) >= firstTrainedLayer;
            };
            NDArray weight = entry.getValue().parameter().getArray();
            weight.setRequiresGradient(train);
            if (train) {
                boolean decay = !(name.endsWith(".bias") || entry.getValue().owner() instanceof LayerNorm);
                trainable.add(new AdamW.Trainable(name, weight, decay));
            }
        }
        return trainable;
    }

    /** The encoder layer a parameter belongs to, or -1 (embeddings). */
    static int layerIndex(String name) {
        Matcher matcher = LAYER.matcher(name);
        return matcher.find() ? Integer.parseInt(matcher.group(1)) : -1;
    }

    /** Replaces bestDir with the current weights, atomically. */
    private void saveBest(Path bestDir) {
        RunDirectory.replace(bestDir, model::save);
    }
}
