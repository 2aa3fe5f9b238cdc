package dev.attune.training;

import java.util.Arrays;
import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.attune.modeling.ModelOutputs;
import dev.attune.modeling.ProblemType;

/**
 * What training minimises and evaluation measures for one problem type: the loss of a batch's logits
 * against its targets (with the class weights resolved for this run), and the figures of an evaluation.
 */
sealed interface Objective {

    /** The mean loss of (B, C) logits against the targets of the same B examples. */
    NDArray loss(NDArray logits, Targets targets, NDManager scope);

    /** The figures of an evaluation, from every example's raw (C) logits and the mean loss. */
    EvaluationMetrics metrics(float[][] logits, Targets targets, double meanLoss);

    /**
     * The objective a training run uses.
     *
     * @param train the training examples' targets (balanced class weights are counted on them)
     */
    static Objective forTraining(ProblemType type, List<String> labels, TrainingOptions options, Targets train) {
        return switch (type) {
            case SINGLE_LABEL_CLASSIFICATION -> new SingleLabel(labels,
                    options.classWeights().classWeights(labels, train.labelCounts(labels.size())));
            case MULTI_LABEL_CLASSIFICATION -> new MultiLabel(labels,
                    options.classWeights().posWeights(labels, train.labelCounts(labels.size()), train.size()),
                    options.thresholds().tuned() ? null : filled(labels.size(), options.thresholds().fixed()));
            case REGRESSION -> new Regression();
        };
    }

    /** Unweighted scoring of a finished model (a test set): a multi-label model decides with its own thresholds. */
    static Objective forScoring(ProblemType type, List<String> labels, List<Double> thresholds) {
        return switch (type) {
            case SINGLE_LABEL_CLASSIFICATION -> new SingleLabel(labels, null);
            case MULTI_LABEL_CLASSIFICATION -> new MultiLabel(labels, null, thresholds == null
                    ? filled(labels.size(), ModelOutputs.DEFAULT_THRESHOLD) : thresholds.stream().mapToDouble(Double::doubleValue).toArray());
            case REGRESSION -> new Regression();
        };
    }

    /** The weights the loss applies, in label order, for the job log; null when unweighted. */
    default double[] weights() {
        return null;
    }

    private static double[] filled(int size, double value) {
        double[] values = new double[size];
        Arrays.fill(values, value);
        return values;
    }

    /** Softmax cross-entropy, optionally class-weighted. */
    record SingleLabel(List<String> labels, double[] weights) implements Objective {

        @Override
        public NDArray loss(NDArray logits, Targets targets, NDManager scope) {
            return Losses.crossEntropy(logits, targets.singleLabels(), weights, scope);
        }

        @Override
        public EvaluationMetrics metrics(float[][] logits, Targets targets, double meanLoss) {
            float[][] probabilities = new float[logits.length][];
            for (int i = 0; i < logits.length; i++) {
                probabilities[i] = ModelOutputs.softmax(logits[i]);
            }
            return ClassificationMetrics.of(targets.singleLabels(), probabilities, meanLoss, labels);
        }
    }

    /**
     * A sigmoid per label with binary cross-entropy, optionally with pos_weight per label.
     *
     * @param thresholds fixed decision thresholds; null to tune them at every evaluation
     */
    record MultiLabel(List<String> labels, double[] weights, double[] thresholds) implements Objective {

        @Override
        public NDArray loss(NDArray logits, Targets targets, NDManager scope) {
            return Losses.binaryCrossEntropy(logits, targets.multiHot(labels.size()), weights, scope);
        }

        @Override
        public EvaluationMetrics metrics(float[][] logits, Targets targets, double meanLoss) {
            float[][] probabilities = new float[logits.length][labels.size()];
            for (int i = 0; i < logits.length; i++) {
                for (int c = 0; c < labels.size(); c++) {
                    probabilities[i][c] = (float) (1 / (1 + Math.exp(-logits[i][c])));
                }
            }
            return MultiLabelMetrics.of(probabilities, targets.labelIds(), meanLoss, labels, thresholds);
        }
    }

    /** One output, mean squared error. */
    record Regression() implements Objective {

        @Override
        public NDArray loss(NDArray logits, Targets targets, NDManager scope) {
            return Losses.meanSquaredError(logits, targets.values(), scope);
        }

        @Override
        public EvaluationMetrics metrics(float[][] logits, Targets targets, double meanLoss) {
            float[] predicted = new float[logits.length];
            for (int i = 0; i < logits.length; i++) {
                predicted[i] = logits[i][0];
            }
            return RegressionMetrics.of(predicted, targets.values());
        }
    }
}
