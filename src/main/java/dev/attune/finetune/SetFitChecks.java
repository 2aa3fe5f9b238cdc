package dev.attune.finetune;

import java.util.List;
import java.util.Map;

import dev.attune.dataset.Dataset;
import dev.attune.modeling.Precision;
import dev.attune.modeling.ProblemType;
import dev.attune.training.ClassWeights;
import dev.attune.training.TrainingOptions;

/**
 * What a setfit job may ask: a single-label (or, one-vs-rest, multi-label) classifier of single texts from a
 * pretrained encoder, with two labels or more and two examples of each (a same-label pair needs two); and none of the options the contrastive stage has no
 * use for, so that a job never silently trains otherwise than it asked.
 */
final class SetFitChecks {

    private SetFitChecks() {
    }

    /**
     * @param asked the options as sent (null where left out)
     * @param options the same with the defaults
     */
    static void check(List<String> problems, Dataset train, ProblemType type, TrainingOptions asked,
            TrainingOptions options) {
        if (type == ProblemType.REGRESSION) {
            problems.add("strategy: setfit trains classifiers (single- or multi-label); problemType regression is not "
                    + "supported: use strategy full (or head, last_layers, lora) for it");
        }
        if (options.init() == TrainingOptions.Init.RANDOM) {
            problems.add("init: setfit tunes a pretrained sentence encoder; leave init out (pretrained)");
        }
        unused(problems, asked);
        if (train == null) {
            return;
        }
        if (train.hasTextPairs()) {
            problems.add("strategy: setfit embeds single texts, but data set '" + train.name() + "' has text pairs; "
                    + "use strategy full for a pair classifier");
        }
        boolean classes = type == ProblemType.SINGLE_LABEL_CLASSIFICATION || type == ProblemType.MULTI_LABEL_CLASSIFICATION;
        if (classes && train.labels().size() < 2) {
            problems.add("datasetId: setfit needs at least two labels (pairs of different labels), but data set '"
                    + train.name() + "' has " + train.labels().keySet() + "; add rows of another label");
        }
        List<String> single = train.labels().entrySet().stream().filter(e -> e.getValue().longValue() < 2)
                .map(Map.Entry::getKey).sorted().toList();
        if (classes && !single.isEmpty()) {
            problems.add("datasetId: setfit needs at least 2 examples of every label (a same-label pair needs two), "
                    + "but label(s) " + single + " of data set '" + train.name() + "' have only one; label another "
                    + "example of each, or leave those rows out");
        }
        List<String> everywhere = train.labels().entrySet().stream().filter(e -> e.getValue() >= train.rowCount())
                .map(Map.Entry::getKey).sorted().toList();
        if (type == ProblemType.MULTI_LABEL_CLASSIFICATION && !everywhere.isEmpty()) {
            problems.add("datasetId: every row of data set '" + train.name() + "' has label(s) " + everywhere + "; "
                    + "setfit's head learns each label from rows with it and rows without it: add rows without it");
        }
    }

    /**
     * Options setfit would ignore: its contrastive stage runs a fixed number of steps with one evaluation at the end
     * (no accumulation, evaluation cadence or early stopping), its head is an unweighted logistic regression, and it
     * has no loss scaling for float16.
     */
    private static void unused(List<String> problems, TrainingOptions asked) {
        String why = "; setfit trains its pairs in plain batches and evaluates once, after the head is fitted: leave it "
                + "out";
        if (asked.gradientAccumulationSteps() != null && asked.gradientAccumulationSteps() > 1) {
            problems.add("gradientAccumulationSteps: " + asked.gradientAccumulationSteps() + why
                    + " (raise batchSize instead)");
        }
        if (asked.earlyStoppingPatience() != null) {
            problems.add("earlyStoppingPatience: " + asked.earlyStoppingPatience() + why);
        }
        if (asked.evalEverySteps() != null && asked.evalEverySteps() > 0) {
            problems.add("evalEverySteps: " + asked.evalEverySteps() + why);
        }
        if (asked.classWeights() != null && !asked.classWeights().equals(ClassWeights.NONE)) {
            problems.add("classWeights: setfit's head is an unweighted logistic regression (as SetFit's); leave "
                    + "classWeights out, or draw a balanced sample of rows");
        }
        if (asked.precision() == Precision.FP16) {
            problems.add("precision: fp16 needs loss scaling, which setfit's contrastive stage lacks; use bf16, fp32 "
                    + "or auto");
        }
        if (asked.groupByLength() != null && asked.groupByLength()) {
            problems.add("groupByLength: setfit's batches are pairs drawn at random; leave groupByLength out");
        }
    }
}
