package dev.attune.modeling;

import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * What a classifier's outputs mean, as transformers' {@code problem_type} names it: one label per text
 * (softmax, cross-entropy), any number of labels per text (a sigmoid per label, binary cross-entropy)
 * or one number per text (the single output itself, mean squared error).
 */
public enum ProblemType {
    SINGLE_LABEL_CLASSIFICATION, MULTI_LABEL_CLASSIFICATION, REGRESSION;

    /** The name in config.json and on the API: "multi_label_classification". */
    @JsonValue
    public String id() {
        return EnumNames.id(this);
    }

    public boolean isClassification() {
        return this != REGRESSION;
    }

    public static Optional<ProblemType> parse(String id) {
        return EnumNames.parse(ProblemType.class, id);
    }

    @JsonCreator
    public static ProblemType of(String id) {
        return EnumNames.of(ProblemType.class, id);
    }

    public static List<String> ids() {
        return EnumNames.ids(ProblemType.class);
    }

    /**
     * transformers' rule for a config.json without problem_type: one output is a regression, several a
     * single-label classifier (it tells multi-label apart only by the labels' dtype at training time).
     */
    static ProblemType inferredFrom(int numLabels) {
        return numLabels == 1 ? REGRESSION : SINGLE_LABEL_CLASSIFICATION;
    }
}
