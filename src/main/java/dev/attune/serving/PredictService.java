package dev.attune.serving;

import java.util.ArrayList;
import java.util.List;

import dev.attune.system.AttuneProperties;
import dev.attune.errors.AttuneException;
import dev.attune.errors.InvalidInput;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;
import java.util.concurrent.TimeUnit;

/** Validates a predict request, runs it on the serving (or named) model, and measures it. */
@Service
class PredictService {

    private final ServingModels serving;
    private final int maxTexts;
    private final Timer latency;
    private final Counter errors;

    PredictService(ServingModels serving, AttuneProperties properties, MeterRegistry registry) {
        this.serving = serving;
        this.maxTexts = properties.predict().maxBatch();
        this.latency = Timer.builder("attune.predict.latency").description("time to answer a predict request")
                .publishPercentileHistogram().register(registry);
        this.errors = Counter.builder("attune.predict.errors").description("predict requests that failed")
                .register(registry);
    }

    PredictResponse predict(JsonNode body, String modelIdFromPath) {
        long start = System.nanoTime();
        try {
            List<String> texts = texts(body);
            String modelId = modelIdFromPath != null ? modelIdFromPath : optionalString(body, "model");
            Predictor predictor = serving.acquire(modelId);
            try {
                List<Prediction> predictions = predictor.predict(texts);
                return new PredictResponse(predictor.modelId(), predictor.maxLength(), predictions);
            } finally {
                predictor.release();
            }
        } catch (RuntimeException e) {
            errors.increment();
            throw e;
        } finally {
            latency.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    /** The texts of {"text": "..."} or {"texts": ["...", ...]}, each a non-blank string. */
    private List<String> texts(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw invalid("The body must be a JSON object: {\"text\": \"...\"} or {\"texts\": [\"...\"]}.");
        }
        JsonNode text = body.get("text");
        JsonNode texts = body.get("texts");
        if ((text == null) == (texts == null)) {
            throw invalid("Send exactly one of \"text\" (a string) or \"texts\" (an array of strings).");
        }
        if (text != null) {
            return List.of(nonBlank(text, "text"));
        }
        if (!texts.isArray() || texts.isEmpty()) {
            throw invalid("\"texts\" must be a non-empty array of strings.");
        }
        if (texts.size() > maxTexts) {
            throw invalid("\"texts\" has " + texts.size() + " entries; at most " + maxTexts
                    + " per request (attune.predict.max-batch). Split the request.");
        }
        List<String> values = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            values.add(nonBlank(texts.get(i), "texts[" + i + "]"));
        }
        return values;
    }

    private static String nonBlank(JsonNode node, String field) {
        if (!node.isString()) {
            throw invalid(field + " must be a string, was " + node.getNodeType().name().toLowerCase() + ".");
        }
        if (node.stringValue().isBlank()) {
            throw invalid(field + " is empty; send the text to classify.");
        }
        return node.stringValue();
    }

    private static String optionalString(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isString()) {
            throw invalid(field + " must be a model id string.");
        }
        return node.stringValue();
    }

    private static AttuneException invalid(String detail) {
        return new InvalidInput("Invalid predict request", detail);
    }
}
