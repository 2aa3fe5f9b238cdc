package dev.attune.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import ai.djl.Device;
import dev.attune.modeling.ClassifierModel;
import dev.attune.modeling.EncodedBatch;
import dev.attune.modeling.ModelOutputs;
import dev.attune.support.Golden;
import dev.attune.support.Http;
import dev.attune.support.JobPolling;
import dev.attune.support.TestDataDir;
import dev.attune.support.TrainingData;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Issue 32, defect 11, through a real job: the temperature is fitted on part of the validation rows and judged on
 * the others; the model's calibration says on how many rows, whether it is applied and why, and what /predict serves
 * follows that (calibrated probabilities only when the temperature lowered the held-out calibration error).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"attune.jobs.progress-interval=0s", "attune.predict.precision=fp32"})
class CalibrationApiTest {

    private static Path dataDir;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        dataDir = TestDataDir.registerWithGoldenImports(registry);
    }

    @LocalServerPort
    int port;
    private Http http;

    @BeforeEach
    void setUp() {
        http = new Http(port);
    }

    @Test
    void theTemperatureIsJudgedOnValidationRowsItWasNotFittedOnAndServedOnlyWhereItHelps() {
        Http.Response dataset = http.upload("/api/v1/datasets", "reviews.csv",
                TrainingData.csv(200, 7).getBytes(StandardCharsets.UTF_8), Map.of());
        assertThat(dataset.status()).as(dataset.body()).isEqualTo(201);
        Http.Response submitted = http.postJson("/api/v1/jobs", ("{\"datasetId\": \"%s\", \"baseModel\": \"%s\", "
                + "\"epochs\": 2, \"batchSize\": 8, \"maxLength\": 32, \"seed\": 11, \"validationSplit\": 0.3}")
                .formatted(dataset.json().get("id").stringValue(), Golden.dir("tiny-bert-sst2")));
        assertThat(submitted.status()).as(submitted.body()).isEqualTo(202);
        String jobId = submitted.json().get("id").stringValue();
        JsonNode job = JobPolling.awaitJob(http, jobId,
                j -> j.get("status").stringValue().matches("SUCCEEDED|FAILED|CANCELLED"), "end");
        assertThat(job.get("status").stringValue()).as(job.toString()).isEqualTo("SUCCEEDED");

        String modelId = job.get("modelId").stringValue();
        JsonNode model = http.get("/api/v1/models/" + modelId).json();
        JsonNode calibration = model.get("calibration");
        assertThat(calibration.get("fitRows").intValue() + calibration.get("measuredRows").intValue())
                .as("the 60 validation rows, split: %s", calibration).isEqualTo(60);
        assertThat(calibration.get("fitRows").intValue()).isBetween(20, 40);
        double before = calibration.get("eceBefore").doubleValue();
        double after = calibration.get("eceAfter").doubleValue();
        boolean applied = calibration.get("applied").booleanValue();
        assertThat(applied).as("kept exactly when it lowered the held-out error: %s", calibration).isEqualTo(after < before);
        assertThat(calibration.get("reason").stringValue()).contains(applied ? "lowered" : "not applied");
        String log = http.get("/api/v1/jobs/" + jobId + "/log").body();
        assertThat(log).contains("calibration", "held-out", calibration.get("measuredRows").intValue() + " ");

        // what /predict serves: softmax(logits / T) when applied, softmax(logits) when not
        String text = "the film was great and wonderful";
        JsonNode response = http.postJson("/api/v1/models/" + modelId + "/predict", "{\"text\": \"%s\"}".formatted(text))
                .json();
        // served reading the 32 tokens it was trained and tested on, not its tokenizer's 64 (issue 32)
        assertThat(model.get("maxLength").intValue()).isEqualTo(32);
        assertThat(response.get("maxLength").intValue()).isEqualTo(32);
        JsonNode answer = response.get("predictions").get(0);
        double temperature = applied ? calibration.get("temperature").doubleValue() : 1;
        try (ClassifierModel stored = ClassifierModel.load(dataDir.resolve("models").resolve(modelId), Device.cpu())) {
            float[] logits = stored.logits(EncodedBatch.of(stored.textEncoder().tokens(List.of(text),
                    model.get("maxLength").intValue()), stored.textEncoder().padId()))[0];
            for (int c = 0; c < logits.length; c++) {
                logits[c] /= (float) temperature;
            }
            float[] expected = ModelOutputs.softmax(logits);
            List<String> labels = Golden.strings(model.get("labels"));
            for (int c = 0; c < labels.size(); c++) {
                assertThat(answer.get("probabilities").get(labels.get(c)).doubleValue()).as(labels.get(c))
                        .isEqualTo(expected[c], within(1e-5));
            }
        }
    }
}
