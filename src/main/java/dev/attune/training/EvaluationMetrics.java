package dev.attune.training;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

import io.swagger.v3.oas.annotations.media.DiscriminatorMapping;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * The figures of one evaluation, by problem type. Their JSON carries {@code problemType} so readers
 * (the dashboard, clients, a resumed run) know which figures to expect; figures stored before there
 * was more than one kind have none and are single-label.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "problemType",
        defaultImpl = ClassificationMetrics.class)
@JsonSubTypes({
        @JsonSubTypes.Type(value = ClassificationMetrics.class, name = "single_label_classification"),
        @JsonSubTypes.Type(value = MultiLabelMetrics.class, name = "multi_label_classification"),
        @JsonSubTypes.Type(value = RegressionMetrics.class, name = "regression")})
@Schema(description = "The figures of one evaluation; problemType says which kind.",
        discriminatorProperty = "problemType", discriminatorMapping = {
                @DiscriminatorMapping(value = "single_label_classification", schema = ClassificationMetrics.class),
                @DiscriminatorMapping(value = "multi_label_classification", schema = MultiLabelMetrics.class),
                @DiscriminatorMapping(value = "regression", schema = RegressionMetrics.class)})
public sealed interface EvaluationMetrics permits ClassificationMetrics, MultiLabelMetrics, RegressionMetrics {

    /** Mean loss over the examples, as training computes it. */
    double loss();

    /** Examples scored. */
    int count();

    /** The value metricForBest compares, oriented so that higher is better; NaN where it does not apply. */
    double score(TrainingOptions.MetricForBest metric);

    /** The main figures in a few words, for the job log. */
    String summary();
}
