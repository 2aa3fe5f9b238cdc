package dev.attune.training;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.attune.modeling.ProblemType;
import tools.jackson.databind.json.JsonMapper;

/**
 * Training options for tests and benches, named as a job's JSON names them, every other one at its
 * default: {@code Options.of("epochs", 2, "strategy", "head")}.
 */
public final class Options {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private Options() {
    }

    /** Options from name, value pairs (values as JSON spells them: "head", 2, 5e-5...), defaults filled in. */
    public static TrainingOptions of(Object... namesAndValues) {
        Map<String, Object> asked = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            Object value = namesAndValues[i + 1];
            asked.put((String) namesAndValues[i], value instanceof Enum<?> || value instanceof ClassWeights
                    || value instanceof Thresholds ? JSON.valueToTree(value) : value);
        }
        TrainingOptions options = JSON.convertValue(asked, TrainingOptions.class);
        ProblemType type = options.problemType() != null ? options.problemType() : ProblemType.SINGLE_LABEL_CLASSIFICATION;
        return options.withDefaults(type, null);
    }
}
