package dev.attune.training;

/** One evaluation during training: where it happened, the mean training loss since the last one, the figures. */
public record EvaluationPoint(long step, double epoch, double trainLoss, ClassificationMetrics metrics) {
}
