package dev.attune.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import dev.attune.support.Golden;
import dev.attune.support.Http;
import dev.attune.support.JobPolling;
import dev.attune.support.TestDataDir;
import dev.attune.support.TrainingData;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Feedback with the request log as shipped (off): a request id is a clear 404; feedback with its text works, per
 * deployment, and becomes a version of the data set the model was fine-tuned on.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"attune.jobs.progress-interval=0s"})
class FeedbackWithoutLogTest {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestDataDir.registerWithGoldenImports(registry);
    }

    @LocalServerPort
    int port;

    @Test
    void aRequestIdIsA404SayingTheLogIsOff() {
        FeedbackClient client = new FeedbackClient(port);
        String model = client.importModel("tiny-bert-sst2");
        client.predict(model, "great fun", "off-1");

        JsonNode refused = FeedbackApiTest.give(client.http, "{\"requestId\": \"off-1\", \"label\": \"positive\"}", 404);
        assertThat(refused.get("detail").stringValue()).contains("off-1", "request log is off",
                "attune.feedback.request-log.rate", "\"text\"");
        assertThat(client.http.get("/api/v1/feedback/requests/off-1").status()).isEqualTo(404);
        assertThat(client.accuracyOf(model)).isNull();
    }

    @Test
    void feedbackByTextCountsPerDeploymentAndBecomesAVersionOfTheTrainingDataSet() {
        FeedbackClient client = new FeedbackClient(port);
        Http http = client.http;
        String training = client.upload(TrainingData.csv(60, 9));
        Http.Response job = http.postJson("/api/v1/jobs", ("{\"datasetId\": \"%s\", \"baseModel\": \"%s\", \"epochs\": 1, "
                + "\"batchSize\": 16, \"maxLength\": 16}").formatted(training, Golden.dir("tiny-bert-sst2")));
        assertThat(job.status()).as(job.body()).isEqualTo(202);
        JsonNode ended = JobPolling.awaitEnd(http, job.json().get("id").stringValue());
        assertThat(ended.get("status").stringValue()).as(ended.toString()).isEqualTo("SUCCEEDED");
        String model = ended.get("modelId").stringValue();
        Http.Response deployed = http.postJson("/api/v1/deployments", "{\"name\": \"reviews\", \"modelId\": \"" + model + "\"}");
        assertThat(deployed.status()).as(deployed.body()).isEqualTo(201);

        List<String> texts = List.of("great fun", "a dull mess", "the best film of the year", "boring and awful");
        List<String> truth = List.of("positive", "negative", "positive", "positive");
        int right = 0;
        for (int i = 0; i < texts.size(); i++) {
            JsonNode answer = http.postJson("/predict", "{\"deployment\": \"reviews\", \"text\": \"" + texts.get(i) + "\"}")
                    .json();
            String predicted = answer.get("predictions").get(0).get("label").stringValue();
            right += predicted.equals(truth.get(i)) ? 1 : 0;
            JsonNode given = FeedbackApiTest.give(http, "{\"text\": \"%s\", \"deployment\": \"reviews\", \"predictedLabel\": \"%s\", \"label\": \"%s\"}"
                    .formatted(texts.get(i), predicted, truth.get(i)), 200);
            assertThat(given.get("correct").booleanValue()).isEqualTo(predicted.equals(truth.get(i)));
        }
        JsonNode unanswered = FeedbackApiTest.give(http,
                "{\"text\": \"a charming mess\", \"deployment\": \"reviews\", \"label\": \"negative\"}", 200);
        assertThat(unanswered.has("correct")).as("no answer said: no accuracy").isFalse();
        FeedbackApiTest.give(http, "{\"text\": \"x\", \"deployment\": \"nowhere\", \"label\": \"negative\"}", 400);

        JsonNode accuracy = http.get("/api/v1/feedback/accuracy?deployment=reviews").json();
        assertThat(accuracy).hasSize(1);
        assertThat(accuracy.get(0).get("model").stringValue()).isEqualTo(model);
        assertThat(accuracy.get(0).get("count").longValue()).isEqualTo(texts.size());
        assertThat(accuracy.get(0).get("correct").longValue()).isEqualTo(right);
        assertThat(http.get("/api/v1/feedback/accuracy?deployment=reviews&since=2999-01-01T00:00:00Z").json()).isEmpty();
        assertThat(http.get("/api/v1/feedback/accuracy?since=yesterday").status()).isEqualTo(400);

        Http.Response made = http.postJson("/api/v1/feedback/datasets",
                "{\"deployment\": \"reviews\", \"includeTrainingRows\": true, \"name\": \"reviews + feedback\"}");
        assertThat(made.status()).as(made.body()).isEqualTo(201);
        assertThat(made.json().get("parentDatasetId").stringValue()).as("the model's training data set").isEqualTo(training);
        assertThat(made.json().get("trainingRows").intValue()).isEqualTo(60);
        assertThat(made.json().get("feedbackRows").intValue()).isEqualTo(texts.size() + 1);
        List<String> rows = FeedbackApiTest.rows(http, made.json().get("id").stringValue());
        List<String> expected = new ArrayList<>(FeedbackApiTest.rows(http, training));
        for (int i = 0; i < texts.size(); i++) {
            expected.add(texts.get(i) + " -> " + truth.get(i));
        }
        expected.add("a charming mess -> negative");
        assertThat(rows).isEqualTo(expected);
        assertThat(http.get("/api/v1/datasets/" + made.json().get("id").stringValue()).json().get("version").intValue())
                .isEqualTo(2);
    }

    @Test
    void anImportedModelsDataSetNeedsADataSetToVersion() {
        FeedbackClient client = new FeedbackClient(port);
        String model = client.importModel("tiny-bert-sst2");
        FeedbackApiTest.give(client.http, "{\"text\": \"great fun\", \"model\": \"" + model + "\", \"label\": \"positive\"}", 200);
        Http.Response refused = client.http.postJson("/api/v1/feedback/datasets", "{\"model\": \"" + model + "\"}");
        assertThat(refused.status()).as(refused.body()).isEqualTo(400);
        assertThat(refused.json().get("detail").stringValue()).contains("imported", "\"datasetId\"");
    }

    @Test
    void aMultiLabelAnswerIsRightWhenItHadExactlyTheTrueLabels() {
        FeedbackClient client = new FeedbackClient(port);
        Http http = client.http;
        Http.Response uploaded = http.upload("/api/v1/datasets", "emotions.csv",
                TrainingData.multiLabelCsv(40, 1).getBytes(java.nio.charset.StandardCharsets.UTF_8),
                java.util.Map.of("labelColumn", "labels"));
        assertThat(uploaded.status()).as(uploaded.body()).isEqualTo(201);
        Http.Response job = http.postJson("/api/v1/jobs", ("{\"datasetId\": \"%s\", \"baseModel\": \"%s\", \"epochs\": 1, "
                + "\"batchSize\": 16, \"maxLength\": 16}").formatted(uploaded.json().get("id").stringValue(),
                Golden.dir("tiny-bert")));
        assertThat(job.status()).as(job.body()).isEqualTo(202);
        JsonNode ended = JobPolling.awaitEnd(http, job.json().get("id").stringValue());
        assertThat(ended.get("status").stringValue()).as(ended.toString()).isEqualTo("SUCCEEDED");
        String model = ended.get("modelId").stringValue();

        String wrong = "{\"text\": \"wow great fun\", \"model\": \"%s\", \"predictedLabels\": [\"joy\"], "
                + "\"labels\": [\"joy\", \"surprise\"]}";
        assertThat(FeedbackApiTest.give(http, wrong.formatted(model), 200).get("correct").booleanValue()).isFalse();
        String right = "{\"text\": \"whoa so fun\", \"model\": \"%s\", \"predictedLabels\": [\"surprise\", \"joy\"], "
                + "\"labels\": [\"joy\", \"surprise\"]}";
        assertThat(FeedbackApiTest.give(http, right.formatted(model), 200).get("correct").booleanValue()).isTrue();
        JsonNode unknown = FeedbackApiTest.give(http, ("{\"text\": \"x\", \"model\": \"%s\", \"labels\": [\"joy\", "
                + "\"sadness\"]}").formatted(model), 400);
        assertThat(unknown.get("detail").stringValue()).contains("'sadness'", "anger", "surprise");
        assertThat(client.accuracyOf(model).get("correct").longValue()).isEqualTo(1);

        Http.Response made = http.postJson("/api/v1/feedback/datasets", "{\"model\": \"" + model + "\"}");
        assertThat(made.status()).as(made.body()).isEqualTo(201);
        assertThat(FeedbackApiTest.rows(http, made.json().get("id").stringValue()))
                .containsExactly("wow great fun -> joy,surprise", "whoa so fun -> joy,surprise");
    }
}
