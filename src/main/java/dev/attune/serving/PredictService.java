package dev.attune.serving;

import java.util.List;

import dev.attune.system.AttuneProperties;
import dev.attune.errors.InvalidInput;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import org.springframework.stereotype.Service;
import java.util.concurrent.TimeUnit;

/** Runs a (validated) predict request on the serving (or named) model, and measures it. */
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

    PredictResponse predict(PredictRequest request, String modelIdFromPath) {
        long start = System.nanoTime();
        try {
            List<String> texts = request.allTexts();
            List<String> pairs = request.allPairs();
            if (texts.size() > maxTexts) {
                throw new InvalidInput("Invalid predict request", (request.pairs() != null ? "\"pairs\"" : "\"texts\"") + " has " + texts.size() + " entries; at most "
                        + maxTexts + " per request (attune.predict.max-batch). Split the request.");
            }
            String modelId = modelIdFromPath != null ? modelIdFromPath : request.model();
            Predictor predictor = serving.acquire(modelId);
            try {
                List<Prediction> predictions = predictor.predict(texts, pairs);
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
}
