package dev.attune.training;

import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.attune.modeling.ClassifierModel;
import dev.attune.modeling.ProblemType;
import dev.attune.modeling.SetFitClassifier;

/**
 * Strategy setfit (Tunstall et al. 2022): stage 1 tunes the encoder contrastively on sentence pairs drawn from the
 * labelled rows ({@link PairSampler}), the loss sentence-transformers' CosineSimilarityLoss between the two pooled
 * embeddings ({@link Losses#cosineSimilarityLoss}), AdamW with warm-up and linear decay over {@code epochs} passes of
 * {@code batchSize} pairs; stage 2 fits a logistic-regression head on the frozen embeddings of the training rows
 * ({@link LogisticRegression}, C = 1; multi-label: one per label). One evaluation follows, of the encoder, pooling and head as they serve; its
 * weights are the run's best. Progress and cancellation go through the listener at every step; a run that stops
 * before the end starts again from the base (there is no resume point between the stages).
 */
public final class SetFitTrainer {

    /** sklearn's default inverse regularisation strength, as SetFit's LogisticRegression() head uses it. */
    static final double HEAD_C = 1.0;

    private final ClassifierModel model;
    private final SetFitClassifier block;
    private final TrainingOptions options;
    private final TrainingListener listener;

    public SetFitTrainer(ClassifierModel model, TrainingOptions options, TrainingListener listener) {
        if (!(model.block() instanceof SetFitClassifier setfit)) {
            throw new IllegalArgumentException("strategy setfit needs a SetFit model (ClassifierModel.loadSetFit)");
        }
        this.model = model;
        this.block = setfit;
        this.options = options;
        this.listener = listener;
        model.useAttentionDropout(options.attentionDropoutFor(model));
    }

    public TrainingResult train(TokenizedExamples train, TokenizedExamples validation, Path bestDir) {
        boolean multiLabel = model.problemType() == ProblemType.MULTI_LABEL_CLASSIFICATION;
        int classes = model.config().numLabels();
        List<PairSampler.Pair> pairs = multiLabel
                ? PairSampler.sampleMultiLabel(train.targets().labelIds(), classes, options.setfit().pairsPerExample(),
                        options.seed())
                : PairSampler.sample(train.targets().singleLabels(), options.setfit().pairsPerExample(), options.seed());
        int batchSize = options.batchSize();
        long stepsPerEpoch = (pairs.size() + batchSize - 1) / batchSize;
        long totalSteps = stepsPerEpoch * options.epochs();
        listener.log("setfit: %d pairs (%d per example, half of the same label), pooling %s%s; %d steps of %d pairs"
                .formatted(pairs.size(), options.setfit().pairsPerExample(), block.pooling().mode().id(),
                        block.pooling().normalize() ? " + normalize" : "", totalSteps, batchSize));
        RunClock clock = new RunClock(0);
        long step = 0;
        double lossSum = 0;
        listener.onPhase(TrainingListener.Phase.TRAINING, 0, totalSteps);
        List<AdamW.Trainable> trainable = TrainableParameters.select(model, options);
        LearningRateSchedule schedule = LearningRateSchedule.of(options, totalSteps);
        Random shuffler = new Random(options.seed());
        try (AdamW optimizer = new AdamW(trainable, options.weightDecay(), model.manager())) {
            for (int epoch = 0; epoch < options.epochs(); epoch++) {
                List<PairSampler.Pair> order = new ArrayList<>(pairs);
                if (epoch > 0) {
                    java.util.Collections.shuffle(order, shuffler);
                }
                for (int from = 0; from < order.size(); from += batchSize) {
                    if (listener.cancelRequested()) {
                        throw new TrainingCancelledException(step);
                    }
                    List<PairSampler.Pair> batch = order.subList(from, Math.min(order.size(), from + batchSize));
                    double loss = backward(train, batch, dropoutSeed(epoch, from / batchSize));
                    if (!Double.isFinite(loss)) {
                        throw new TrainingFailedException("non_finite_loss", "The contrastive loss became NaN or "
                                + "infinite at step " + (step + 1) + ". Lower learningRate.");
                    }
                    double rate = schedule.rate(step);
                    optimizer.step(rate, options.maxGradNorm());
                    step++;
                    lossSum += loss;
                    listener.onStep(new TrainingListener.Progress(epoch + 1, step, totalSteps,
                            2.0 * ((long) epoch * order.size() + Math.min(order.size(), from + batchSize))
                                    / clock.seconds(), // texts (two per pair) per second
                            clock.eta(step, totalSteps, 1), loss, rate));
                }
            }
        } finally {
            trainable.forEach(t -> t.weight().setRequiresGradient(false));
        }
        double trainSeconds = clock.seconds();
        fitHead(train, multiLabel);
        EvaluationPoint point = new EvaluationPoint(step, options.epochs(), lossSum / Math.max(1, step),
                evaluate(validation));
        listener.onPhase(TrainingListener.Phase.SAVING, 0, 0);
        RunDirectory.replace(bestDir, model::save);
        listener.onEvaluation(point, true);
        listener.log("step %d: contrastive loss %.4f, validation %s".formatted(step, point.trainLoss(),
                point.metrics().summary()));
        return new TrainingResult(point, List.of(point), step, false, 2.0 * pairs.size() * options.epochs()
                / Math.max(1e-9, trainSeconds), clock.seconds());
    }

    /** Forward and backward of one batch of pairs, both sides in one padded batch; returns its loss. */
    private double backward(TokenizedExamples train, List<PairSampler.Pair> batch, int seed) {
        int n = batch.size();
        int[] indices = new int[2 * n];
        float[] targets = new float[n];
        for (int i = 0; i < n; i++) {
            indices[i] = batch.get(i).first();
            indices[n + i] = batch.get(i).second();
            targets[i] = batch.get(i).target();
        }
        try (NDManager scope = model.manager().newSubManager(); ThreadGradients gradients = new ThreadGradients()) {
            NDList inputs = train.batch(indices).toNDList(scope);
            NDArray embeddings = GlobalGenerator.seeded(seed,
                    () -> block.embed(new ParameterStore(scope, false), inputs, true)); // (2n, H)
            NDArray loss = Losses.cosineSimilarityLoss(embeddings.get("0:" + n), embeddings.get(n + ":"), targets,
                    scope);
            gradients.backward(loss);
            return loss.getFloat();
        }
    }

    /**
     * Stage 2: the training rows' embeddings (eval mode, no gradients), a logistic regression on them, set as the
     * head; multi-label, one binary logistic regression per label (setfit's one-vs-rest), each row of the head that
     * label's logit.
     */
    private void fitHead(TokenizedExamples train, boolean multiLabel) {
        listener.onPhase(TrainingListener.Phase.EVALUATING, 0, 0);
        int hidden = model.config().hiddenSize();
        double[][] features = new double[train.size()][hidden];
        for (int[] batch : LengthGroupedBatches.forEvaluation(train, options.batchSize() * 2)) {
            try (NDManager scope = model.manager().newSubManager()) {
                float[] flat = block.embed(new ParameterStore(scope, false), train.batch(batch).toNDList(scope), false)
                        .toFloatArray(); // (B, H)
                for (int i = 0; i < batch.length; i++) {
                    for (int d = 0; d < hidden; d++) {
                        features[batch[i]][d] = flat[i * hidden + d];
                    }
                }
            }
        }
        int classes = model.config().numLabels();
        float[] weight = new float[classes * hidden];
        float[] bias = new float[classes];
        if (multiLabel) {
            float[] hot = train.targets().multiHot(classes);
            for (int k = 0; k < classes; k++) {
                int[] has = new int[features.length];
                for (int i = 0; i < has.length; i++) {
                    has[i] = hot[i * classes + k] > 0 ? 1 : 0;
                }
                LogisticRegression.Fit fit = LogisticRegression.fit(features, has, 2, HEAD_C);
                for (int d = 0; d < hidden; d++) { // the binary fit's logit: row 1 − row 0
                    weight[k * hidden + d] = (float) (fit.weight()[1][d] - fit.weight()[0][d]);
                }
                bias[k] = (float) (fit.bias()[1] - fit.bias()[0]);
                logHead(fit, features.length, hidden, " for label " + model.config().labels().get(k));
            }
        } else {
            LogisticRegression.Fit fit = LogisticRegression.fit(features, train.targets().singleLabels(), classes,
                    HEAD_C);
            for (int k = 0; k < classes; k++) {
                for (int d = 0; d < hidden; d++) {
                    weight[k * hidden + d] = (float) fit.weight()[k][d];
                }
                bias[k] = (float) fit.bias()[k];
            }
            logHead(fit, features.length, hidden, "");
        }
        block.useHead(FloatBuffer.wrap(weight), FloatBuffer.wrap(bias));
    }

    private void logHead(LogisticRegression.Fit fit, int rows, int hidden, String which) {
        listener.log("setfit head%s: logistic regression (C %.1f) on %d embeddings of %d dimensions, %d L-BFGS "
                .formatted(which, HEAD_C, rows, hidden, fit.iterations())
                + "iterations, objective %.5f, gradient norm %.2e".formatted(fit.objective(), fit.gradientNorm()));
    }

    private EvaluationMetrics evaluate(TokenizedExamples validation) {
        LogitsSource source = new EncoderLogits(model, validation);
        if (validation.windowStarts() != null) {
            source = new WindowedLogits(source, validation.windowStarts());
        }
        // multi-label: thresholds as fine-tuning decides them (tuned per label on the validation rows by default)
        Objective objective = model.problemType() == ProblemType.MULTI_LABEL_CLASSIFICATION
                ? Objective.forTraining(model.problemType(), model.config().labels(), options, validation.targets())
                : Objective.forScoring(model.problemType(), model.config().labels(), model.thresholds());
        EvaluationMetrics metrics = Evaluator.evaluate(model, source, options.batchSize() * 2, objective,
                (done, total) -> listener.onPhase(TrainingListener.Phase.EVALUATING, done, total));
        if (metrics instanceof MultiLabelMetrics multiLabel) {
            model.useThresholds(multiLabel.thresholds()); // saved in config.json with the weights
        }
        return metrics;
    }

    /** Dropout's masks from (seed, epoch, batch), as {@link FineTuner} draws them. */
    private int dropoutSeed(int epoch, int batch) {
        long mixed = options.seed() * 0x9E3779B97F4A7C15L + epoch * 1_000_003L + batch;
        return (int) (mixed ^ (mixed >>> 32));
    }
}
