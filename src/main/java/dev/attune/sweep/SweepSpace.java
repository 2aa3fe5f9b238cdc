package dev.attune.sweep;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;

import dev.attune.training.TrainingOptions;

/** The trials a sweep's space holds: every grid combination, or random draws; each a map option → value. */
final class SweepSpace {

    static final int MAX_TRIALS = 64;

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** The options a sweep may vary: every training option. */
    static final List<String> OPTIONS = Arrays.stream(TrainingOptions.class.getRecordComponents())
            .map(RecordComponent::getName).toList();

    private SweepSpace() {
    }

    /** The trials, or none with the problems listed. */
    static List<Map<String, JsonNode>> expand(SweepRequest request, List<String> problems) {
        boolean grid = request.grid() != null && !request.grid().isEmpty();
        boolean random = request.random() != null && !request.random().isEmpty();
        if (grid == random) {
            problems.add("grid: give exactly one of grid ({option: [values]}) and random ({option: {values | min, max}})");
            return List.of();
        }
        for (String option : (grid ? request.grid() : request.random()).keySet()) {
            if (!OPTIONS.contains(option)) {
                problems.add((grid ? "grid." : "random.") + option + ": not a training option; vary one of " + OPTIONS);
            }
        }
        return grid ? grid(request.grid(), problems) : random(request, problems);
    }

    private static List<Map<String, JsonNode>> grid(Map<String, List<Object>> grid, List<String> problems) {
        long size = 1;
        for (Map.Entry<String, List<Object>> option : grid.entrySet()) {
            if (option.getValue() == null || option.getValue().isEmpty()) {
                problems.add("grid." + option.getKey() + ": give at least one value");
                return List.of();
            }
            size *= option.getValue().size();
        }
        if (size > MAX_TRIALS) {
            problems.add("grid: " + size + " combinations; at most " + MAX_TRIALS + " trials per sweep");
            return List.of();
        }
        List<Map<String, JsonNode>> trials = new ArrayList<>(List.of(new LinkedHashMap<>()));
        for (Map.Entry<String, List<Object>> option : grid.entrySet()) {
            List<Map<String, JsonNode>> next = new ArrayList<>();
            for (Map<String, JsonNode> trial : trials) {
                for (Object value : option.getValue()) {
                    Map<String, JsonNode> extended = new LinkedHashMap<>(trial);
                    extended.put(option.getKey(), JSON.valueToTree(value));
                    next.add(extended);
                }
            }
            trials = next;
        }
        return trials;
    }

    private static List<Map<String, JsonNode>> random(SweepRequest request, List<String> problems) {
        int count = request.trials() == null ? 0 : request.trials();
        if (count < 1 || count > MAX_TRIALS) {
            problems.add("trials: a random sweep draws 1 to " + MAX_TRIALS + " trials, was " + request.trials());
        }
        request.random().forEach((option, range) -> check(option, range, problems));
        if (!problems.isEmpty()) {
            return List.of();
        }
        Random draws = new Random(request.seed() == null ? 42 : request.seed());
        List<Map<String, JsonNode>> trials = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Map<String, JsonNode> trial = new LinkedHashMap<>();
            request.random().forEach((option, range) -> trial.put(option, draw(option, range, draws)));
            trials.add(trial);
        }
        return trials;
    }

    private static void check(String option, SweepRequest.Range range, List<String> problems) {
        String field = "random." + option;
        if (range == null) {
            problems.add(field + ": give {\"values\": [...]} or {\"min\", \"max\"}");
        } else if (range.values() != null) {
            if (range.min() != null || range.max() != null || range.log() != null) {
                problems.add(field + ": give values, or min and max (and log), not both");
            } else if (range.values().isEmpty()) {
                problems.add(field + ".values: give at least one value");
            }
        } else if (range.min() == null || range.max() == null || !(range.min() < range.max())) {
            problems.add(field + ": min and max are required, min below max");
        } else if (Boolean.TRUE.equals(range.log()) && range.min() <= 0) {
            problems.add(field + ": a log scale needs min above 0");
        } else if (isWhole(option) && (range.min() != Math.rint(range.min()) || range.max() != Math.rint(range.max()))) {
            problems.add(field + ": " + option + " takes whole numbers, so min and max must be whole; were "
                    + range.min() + " and " + range.max());
        }
    }

    /** Whether an option takes whole numbers (batchSize, epochs...): its draws are rounded. */
    private static boolean isWhole(String option) {
        Class<?> type = Arrays.stream(TrainingOptions.class.getRecordComponents())
                .filter(c -> c.getName().equals(option)).findFirst().map(RecordComponent::getType).orElse(Double.class);
        return type == Integer.class || type == Long.class;
    }

    /** One draw: a listed value, or a number (whole for an integer option such as batchSize). */
    private static JsonNode draw(String option, SweepRequest.Range range, Random draws) {
        if (range.values() != null) {
            return JSON.valueToTree(range.values().get(draws.nextInt(range.values().size())));
        }
        double u = draws.nextDouble();
        double value = Boolean.TRUE.equals(range.log())
                ? Math.exp(Math.log(range.min()) + u * (Math.log(range.max()) - Math.log(range.min())))
                : range.min() + u * (range.max() - range.min());
        return isWhole(option) ? JsonNodeFactory.instance.numberNode(Math.round(value))
                : JsonNodeFactory.instance.numberNode(Double.parseDouble("%.4g".formatted(value)));
    }
}
