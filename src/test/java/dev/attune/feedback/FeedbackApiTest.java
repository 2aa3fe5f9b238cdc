package dev.attune.feedback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.attune.support.Golden;
import dev.attune.support.Http;
import dev.attune.support.TestDataDir;
import dev.attune.support.TrainingData;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Feedback through real HTTP, H2 and a golden tiny SST-2 model, with the request log on (every request, texts
 * kept): the bar (300 answers: live accuracy is theirs, the data set holds exactly their rows), bad input,
 * two callers correcting one answer at once, the largest batch.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"attune.feedback.request-log.rate=1", "attune.feedback.request-log.store-texts=true",
                "attune.feedback.max-batch=300"})
class FeedbackApiTest {

    private static final int ANSWERS = 300;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestDataDir.registerWithGoldenImports(registry);
    }

    @LocalServerPort
    int port;

    @Test
    void feedbackOnThreeHundredAnswersGivesTheirAccuracyAndADataSetOfExactlyTheirRows() {
        FeedbackClient client = new FeedbackClient(port);
        Http http = client.http;
        String model = client.importModel("tiny-bert-sst2");
        String[] lines = TrainingData.csv(ANSWERS, 3).split("\n");
        StringBuilder batch = new StringBuilder("[");
        List<String> expectedRows = new ArrayList<>();
        int right = 0;
        for (int i = 0; i < ANSWERS; i++) {
            String text = lines[i + 1].substring(0, lines[i + 1].lastIndexOf(','));
            String label = lines[i + 1].substring(lines[i + 1].lastIndexOf(',') + 1);
            String predicted = client.predict(model, text, "bar-" + i);
            right += predicted.equals(label) ? 1 : 0;
            expectedRows.add(text + " -> " + label);
            batch.append(i == 0 ? "" : ",").append("{\"requestId\": \"bar-").append(i).append("\", \"label\": \"")
                    .append(label).append("\"}");
        }
        client.awaitLogged("bar-" + (ANSWERS - 1)); // one writer, in order: the last logged means all are

        Http.Response given = http.postJson("/api/v1/feedback/batch", batch.append("]").toString());
        assertThat(given.status()).as(given.body()).isEqualTo(200);
        assertThat(given.json().get("count").intValue()).isEqualTo(ANSWERS);
        assertThat(given.json().get("replaced").intValue()).isZero();

        JsonNode accuracy = client.accuracyOf(model);
        double p = (double) right / ANSWERS;
        double z = 1.959963984540054;
        double denominator = 1 + z * z / ANSWERS;
        double centre = (p + z * z / (2 * ANSWERS)) / denominator;
        double half = z / denominator * Math.sqrt(p * (1 - p) / ANSWERS + z * z / (4.0 * ANSWERS * ANSWERS));
        assertThat(accuracy.get("count").longValue()).isEqualTo(ANSWERS);
        assertThat(accuracy.get("correct").longValue()).isEqualTo(right);
        assertThat(accuracy.get("accuracy").doubleValue()).isCloseTo(p, within(1e-12));
        assertThat(accuracy.get("lower").doubleValue()).isCloseTo(centre - half, within(1e-9));
        assertThat(accuracy.get("upper").doubleValue()).isCloseTo(centre + half, within(1e-9));
        assertThat(accuracy.has("deployment")).as("asked by model id: no deployment routed them").isFalse();

        String parent = client.upload(TrainingData.csv(40, 5));
        JsonNode made = createDataset(http, model, parent, false);
        assertThat(made.get("rowCount").intValue()).isEqualTo(ANSWERS);
        assertThat(made.get("feedbackRows").intValue()).isEqualTo(ANSWERS);
        assertThat(made.get("leftOutWithoutText").intValue()).isZero();
        assertThat(rows(http, made.get("id").stringValue())).containsExactlyInAnyOrderElementsOf(expectedRows);

        JsonNode withTraining = createDataset(http, model, parent, true);
        assertThat(withTraining.get("rowCount").intValue()).isEqualTo(40 + ANSWERS);
        List<String> all = rows(http, withTraining.get("id").stringValue());
        assertThat(all.subList(0, 40)).isEqualTo(rows(http, parent));
        assertThat(all.subList(40, all.size())).containsExactlyInAnyOrderElementsOf(expectedRows);

        Http.Response job = http.postJson("/api/v1/jobs", ("{\"datasetId\": \"%s\", \"baseModel\": \"%s\", \"epochs\": 1, "
                + "\"maxLength\": 16, \"maxTrainSamples\": 32}").formatted(made.get("id").stringValue(), Golden.dir("tiny-bert-sst2")));
        assertThat(job.status()).as("a job trains on the feedback data set: " + job.body()).isEqualTo(202);
        http.postJson("/api/v1/jobs/" + job.json().get("id").stringValue() + "/cancel", "");
    }

    @Test
    void eachTextOfARequestIsCorrectedByItsIndexAndALaterCorrectionReplacesTheEarlier() {
        FeedbackClient client = new FeedbackClient(port);
        String model = client.importModel("tiny-bert-sst2");
        Http.Response answer = client.http.postJson("/api/v1/models/" + model + "/predict",
                "{\"texts\": [\"great fun\", \"a dull mess\", \"the best film of the year\"]}");
        String id = answer.json().get("requestId").stringValue();
        JsonNode logged = client.awaitLogged(id);
        assertThat(logged).hasSize(3);
        assertThat(logged.get(2).get("text").stringValue()).isEqualTo("the best film of the year");

        JsonNode first = give(client.http, "{\"requestId\": \"" + id + "\", \"index\": 2, \"label\": \"negative\"}", 200);
        assertThat(first.get("replaced").booleanValue()).isFalse();
        assertThat(first.get("predictedLabels").get(0).stringValue())
                .isEqualTo(answer.json().get("predictions").get(2).get("label").stringValue());
        JsonNode second = give(client.http, "{\"requestId\": \"" + id + "\", \"index\": 2, \"label\": \"positive\"}", 200);
        assertThat(second.get("replaced").booleanValue()).isTrue();
        assertThat(client.accuracyOf(model).get("count").longValue()).as("the latest counts, once").isEqualTo(1);

        JsonNode outOfRange = give(client.http, "{\"requestId\": \"" + id + "\", \"index\": 5, \"label\": \"positive\"}", 400);
        assertThat(outOfRange.get("detail").stringValue()).contains("had 3 text(s)", "0 to 2");
        JsonNode negative = give(client.http, "{\"requestId\": \"" + id + "\", \"index\": -1, \"label\": \"positive\"}", 400);
        assertThat(negative.get("detail").stringValue()).contains("0 or more", "-1");
    }

    @Test
    void aLabelTheModelLacksIs400NamingItsLabelsAndAnUnknownRequestIs404SayingWhy() {
        FeedbackClient client = new FeedbackClient(port);
        String model = client.importModel("tiny-bert-sst2");
        client.predict(model, "great fun", "labels-1");
        client.awaitLogged("labels-1");

        JsonNode wrongLabel = give(client.http, "{\"requestId\": \"labels-1\", \"label\": \"neutral\"}", 400);
        assertThat(wrongLabel.get("detail").stringValue()).contains("'neutral'", "[negative, positive]");
        JsonNode unknown = give(client.http, "{\"requestId\": \"never-served\", \"label\": \"positive\"}", 404);
        assertThat(unknown.get("detail").stringValue()).contains("never-served", "sampled", "retention");
        JsonNode neither = give(client.http, "{\"label\": \"positive\"}", 400);
        assertThat(neither.get("detail").stringValue()).contains("\"requestId\"", "\"text\"");

        Http.Response mixed = client.http.postJson("/api/v1/feedback/batch", "[{\"requestId\": \"labels-1\", "
                + "\"label\": \"positive\"}, {\"requestId\": \"labels-1\", \"label\": \"neutral\"}, "
                + "{\"requestId\": \"never-served\", \"label\": \"positive\"}]");
        assertThat(mixed.status()).as(mixed.body()).isEqualTo(400);
        assertThat(mixed.json().get("errors")).hasSize(2);
        assertThat(mixed.json().get("errors").get(0).stringValue()).startsWith("[1]: label 'neutral'");
        assertThat(mixed.json().get("errors").get(1).stringValue()).startsWith("[2]: no served request");
        assertThat(client.accuracyOf(model)).as("a refused batch stores nothing").isNull();
    }

    @Test
    void twoCallersCorrectingOneAnswerAtOnceLeaveOneCorrection() throws Exception {
        FeedbackClient client = new FeedbackClient(port);
        String model = client.importModel("tiny-bert-sst2");
        client.predict(model, "a gorgeous , witty , seductive movie .", "race-1");
        client.awaitLogged("race-1");
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Future<Integer>> statuses = new ArrayList<>();
        for (int round = 0; round < 10; round++) {
            CountDownLatch start = new CountDownLatch(1);
            for (String label : List.of("positive", "negative")) {
                statuses.add(pool.submit(() -> {
                    start.await();
                    return new Http(port).postJson("/api/v1/feedback", "{\"requestId\": \"race-1\", \"label\": \""
                            + label + "\"}").status();
                }));
            }
            start.countDown();
        }
        for (Future<Integer> status : statuses) {
            assertThat(status.get(60, TimeUnit.SECONDS)).isEqualTo(200);
        }
        pool.shutdown();
        assertThat(client.accuracyOf(model).get("count").longValue()).isEqualTo(1);
    }

    @Test
    void theLargestBatchIsStoredAndOneMoreIs413StoringNothing() {
        FeedbackClient client = new FeedbackClient(port);
        String model = client.importModel("tiny-bert-sst2");
        Http.Response tooMany = client.http.postJson("/api/v1/feedback/batch", textBatch(model, 301));
        assertThat(tooMany.status()).as(tooMany.body()).isEqualTo(413);
        assertThat(tooMany.json().get("detail").stringValue()).contains("301", "at most 300", "attune.feedback.max-batch");
        assertThat(client.accuracyOf(model)).isNull();

        Http.Response largest = client.http.postJson("/api/v1/feedback/batch", textBatch(model, 300));
        assertThat(largest.status()).as(largest.body()).isEqualTo(200);
        assertThat(client.accuracyOf(model).get("count").longValue()).isEqualTo(300);
        assertThat(client.accuracyOf(model).get("correct").longValue()).as("every other one right").isEqualTo(150);
    }

    private static String textBatch(String model, int items) {
        StringBuilder batch = new StringBuilder("[");
        for (int i = 0; i < items; i++) {
            batch.append(i == 0 ? "" : ",").append("{\"text\": \"t").append(i).append("\", \"model\": \"").append(model)
                    .append("\", \"predictedLabel\": \"positive\", \"label\": \"")
                    .append(i % 2 == 0 ? "positive" : "negative").append("\"}");
        }
        return batch.append("]").toString();
    }

    static JsonNode give(Http http, String body, int status) {
        Http.Response response = http.postJson("/api/v1/feedback", body);
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        return response.json();
    }

    static JsonNode createDataset(Http http, String model, String parent, boolean withTraining) {
        Http.Response made = http.postJson("/api/v1/feedback/datasets", "{\"model\": \"" + model + "\""
                + (parent == null ? "" : ", \"datasetId\": \"" + parent + "\"") + ", \"includeTrainingRows\": "
                + withTraining + "}");
        assertThat(made.status()).as(made.body()).isEqualTo(201);
        return made.json();
    }

    /** A data set's rows as "text -> label", in order. */
    static List<String> rows(Http http, String dataset) {
        JsonNode rows = http.get("/api/v1/datasets/" + dataset + "/rows?limit=1000").json().get("rows");
        List<String> shown = new ArrayList<>();
        rows.forEach(row -> shown.add(row.get("text").stringValue() + " -> " + row.get("label").stringValue()));
        return shown;
    }
}
