package dev.attune.explain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import ai.djl.Device;
import dev.attune.modeling.ClassifierModel;
import dev.attune.modeling.LoraAdapter;
import dev.attune.modeling.LoraSettings;
import dev.attune.modeling.ProblemType;
import dev.attune.support.Golden;
import dev.attune.support.Http;
import dev.attune.support.TestDataDir;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * "explain": true through real HTTP on imported golden classifiers served by ONNX Runtime: the explanation comes from
 * the model's libtorch copy, words slice the text, attributions share out the logit difference; bad input; callers at
 * once; the copies kept are bounded and go with their model.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"attune.predict.explain.max-texts=3", "attune.predict.explain.kept-models=2"})
class ExplainApiTest {

    private static final String TEXT = "a gorgeous, witty, seductive movie";

    /** Checkpoints this test writes (a regression model), importable beside the golden ones. */
    static final Path WRITTEN;

    static {
        try {
            WRITTEN = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "explain-models-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestDataDir.registerWithGoldenImports(registry);
        registry.add("attune.models.import-roots", () -> Golden.dir("tiny-bert").getParent() + "," + WRITTEN);
    }

    @LocalServerPort
    int port;

    @Autowired
    ExplainModels copies;

    Http http;
    String bert;

    @BeforeEach
    void setUp() {
        http = new Http(port);
        bert = importModel("tiny-bert-sst2");
    }

    @Test
    void eachPredictionCarriesItsWordsAttributionsTowardThePredictedLabel() {
        for (String name : List.of("tiny-bert-sst2", "tiny-distilbert-sst2", "tiny-roberta-sst2")) {
            String id = name.equals("tiny-bert-sst2") ? bert : importModel(name);
            JsonNode prediction = explain(id, "{\"text\": \"" + TEXT + "\", \"explain\": true}");
            JsonNode explanation = prediction.get("explanation");

            assertThat(explanation.get("label").stringValue()).as(name).isEqualTo(prediction.get("label").stringValue());
            assertThat(explanation.get("steps").intValue()).isEqualTo(32);
            assertThat(explanation.get("truncated").booleanValue()).isFalse();
            assertWordsSlice(TEXT, explanation);
            assertThat(words(explanation)).as(name).containsExactly("a", "gorgeous", ",", "witty", ",", "seductive",
                    "movie");
            double difference = explanation.get("logitDifference").doubleValue();
            assertThat(difference).isCloseTo(explanation.get("logit").doubleValue()
                    - explanation.get("baselineLogit").doubleValue(), within(1e-6));
            double sum = sum(explanation);
            assertThat(Math.abs(sum - difference)).as(name).isLessThan(0.05 * Math.abs(difference))
                    .isCloseTo(explanation.get("completenessError").doubleValue(), within(1e-5));
        }
        assertThat(http.get("/api/v1/serving").json().get("engine").stringValue()).startsWith("onnxruntime");
        assertThat(copies.size()).as("at most attune.predict.explain.kept-models copies").isEqualTo(2);
    }

    @Test
    void anotherLabelCanBeExplainedAndMoreStepsComeCloserToCompleteness() {
        JsonNode positive = explain(bert, "{\"text\": \"" + TEXT + "\", \"explain\": true, \"explainLabel\": "
                + "\"positive\", \"steps\": 4}").get("explanation");
        JsonNode negative = explain(bert, "{\"text\": \"" + TEXT + "\", \"explain\": true, \"explainLabel\": "
                + "\"negative\", \"steps\": 128}").get("explanation");
        assertThat(positive.get("label").stringValue()).isEqualTo("positive");
        assertThat(negative.get("label").stringValue()).isEqualTo("negative");
        assertThat(negative.get("steps").intValue()).isEqualTo(128);
        assertThat(negative.get("completenessError").doubleValue())
                .isLessThan(positive.get("completenessError").doubleValue());
        JsonNode plain = http.postJson("/api/v1/models/" + bert + "/predict", "{\"text\": \"" + TEXT + "\"}").json();
        assertThat(plain.get("predictions").get(0).has("explanation")).as("absent unless asked").isFalse();
    }

    @Test
    void theLargestRequestAllowedIsExplainedWhatWasReadOfLongTextsSaysTruncated() {
        String longText = "a gorgeous movie , " + "really ".repeat(600) + "dull";
        Http.Response response = http.postJson("/api/v1/models/" + bert + "/predict", "{\"texts\": [\"" + longText
                + "\", \"" + TEXT + "\", \"" + longText + "\"], \"explain\": true}");
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        JsonNode first = response.json().get("predictions").get(0).get("explanation");
        assertThat(first.get("truncated").booleanValue()).isTrue();
        assertWordsSlice(longText, first);
        assertThat(words(first)).doesNotContain("dull").contains("gorgeous");
        JsonNode headTail = explain(bert, "{\"text\": \"" + longText + "\", \"explain\": true, \"longText\": "
                + "\"head_tail\"}").get("explanation");
        assertThat(words(headTail)).contains("gorgeous", "dull");
        assertWordsSlice(longText, headTail);
    }

    @Test
    void badInputIsAProblemSayingWhatWasWrongAndHowToFixIt() {
        String path = "/api/v1/models/" + bert + "/predict";
        assertProblem(path, "{\"texts\": [\"a\", \"b\", \"c\", \"d\"], \"explain\": true}", "at most 3 per request");
        assertProblem(path, "{\"text\": \"fine\", \"explain\": true, \"explainLabel\": \"neutral\"}",
                "does not have; its labels are [negative, positive]");
        assertProblem(path, "{\"text\": \"fine\", \"explain\": true, \"steps\": 1}", "it must be 2..256");
        assertProblem(path, "{\"text\": \"fine\", \"explain\": true, \"steps\": 100000}", "it must be 2..256");
        assertProblem(path, "{\"text\": \"fine\", \"steps\": 8}", "go with \"explain\": true");
        assertProblem(path, "{\"pairs\": [[\"a\", \"b\"]], \"explain\": true}", "classifies single texts");
        assertProblem(path, "{\"text\": \"" + "really ".repeat(600) + "\", \"explain\": true, \"longText\": "
                + "\"sliding_window\"}", "sliding windows");
        assertProblem("/predict", "{\"texts\": [\"a\", \"b\", \"c\", \"d\"], \"explain\": true}", "at most 3");
    }

    @Test
    void callersExplainingAModelNotLoadedYetAtOnceShareOneCopy() throws Exception {
        String distilbert = importModel("tiny-distilbert-sst2");
        int loads = copies.loads();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<JsonNode>> answers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            answers.add(pool.submit(() -> explain(distilbert, "{\"text\": \"" + TEXT + "\", \"explain\": true}")));
        }
        for (Future<JsonNode> answer : answers) {
            assertThat(answer.get(60, TimeUnit.SECONDS).get("explanation").get("words")).hasSize(7);
        }
        pool.shutdown();
        assertThat(copies.loads()).isEqualTo(loads + 1);
    }

    @Test
    void twoExplainCallersAndPlainPredictionsAtOnceEachGetTheirOwnAnswer() throws Exception {
        String other = "the plot is nothing but boilerplate";
        JsonNode aloneFirst = explain(bert, "{\"text\": \"" + TEXT + "\", \"explain\": true}").get("explanation");
        JsonNode aloneSecond = explain(bert, "{\"text\": \"" + other + "\", \"explain\": true}").get("explanation");
        ExecutorService pool = Executors.newFixedThreadPool(6);
        List<Future<JsonNode>> explained = new ArrayList<>();
        List<Future<Integer>> plain = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            explained.add(pool.submit(() -> explain(bert, "{\"text\": \"" + TEXT + "\", \"explain\": true}")));
            explained.add(pool.submit(() -> explain(bert, "{\"text\": \"" + other + "\", \"explain\": true}")));
            for (int i = 0; i < 4; i++) {
                plain.add(pool.submit(() -> new Http(port).postJson("/api/v1/models/" + bert + "/predict",
                        "{\"text\": \"great fun\"}").status()));
            }
        }
        for (int i = 0; i < explained.size(); i++) {
            JsonNode expected = i % 2 == 0 ? aloneFirst : aloneSecond;
            JsonNode got = explained.get(i).get(60, TimeUnit.SECONDS).get("explanation");
            assertThat(words(got)).isEqualTo(words(expected));
            for (int w = 0; w < expected.get("words").size(); w++) {
                assertThat(got.get("words").get(w).get("attribution").doubleValue())
                        .isCloseTo(expected.get("words").get(w).get("attribution").doubleValue(), within(1e-5));
            }
        }
        for (Future<Integer> status : plain) {
            assertThat(status.get(60, TimeUnit.SECONDS)).isEqualTo(200);
        }
        pool.shutdown();
    }

    @Test
    void aRegressionModelsValueIsExplainedAndItHasNoLabelToName() throws IOException {
        Path dir = WRITTEN.resolve("tiny-regression");
        try (ClassifierModel model = ClassifierModel.load(Golden.dir("tiny-bert-sst2"), Device.cpu(), List.of("score"),
                ProblemType.REGRESSION, false)) {
            model.save(dir);
        }
        Http.Response imported = http.postJson("/api/v1/models/import", "{\"source\": \"" + dir + "\"}");
        assertThat(imported.status()).as(imported.body()).isEqualTo(201);
        String id = imported.json().get("id").stringValue();

        JsonNode prediction = explain(id, "{\"text\": \"" + TEXT + "\", \"explain\": true}");
        JsonNode explanation = prediction.get("explanation");
        assertThat(explanation.get("label").stringValue()).isEqualTo("value");
        // the value ONNX Runtime served is the output the libtorch copy explains
        assertThat(explanation.get("logit").doubleValue()).isCloseTo(prediction.get("score").doubleValue(), within(1e-3));
        assertThat(Math.abs(sum(explanation) - explanation.get("logitDifference").doubleValue()))
                .isLessThan(0.05 * Math.abs(explanation.get("logitDifference").doubleValue()));
        assertProblem("/api/v1/models/" + id + "/predict", "{\"text\": \"fine\", \"explain\": true, "
                + "\"explainLabel\": \"positive\"}", "regression model");
    }

    @Test
    void aLoraModelIsExplainedWithItsAdapterOverItsBase() throws IOException {
        Path dir = WRITTEN.resolve("tiny-adapter");
        try (ClassifierModel model = ClassifierModel.load(Golden.dir("tiny-bert-sst2"), Device.cpu())) {
            LoraAdapter lora = model.attachLora(LoraSettings.NONE.withDefaults("bert"), 3, Golden.dir("tiny-bert-sst2"));
            lora.pairs().values().forEach(pair -> pair.b().set(FloatBuffer.wrap(sines((int) pair.b().size()))));
            model.save(dir);
        }
        Http.Response imported = http.postJson("/api/v1/models/import",
                "{\"source\": \"%s\", \"baseModel\": \"%s\"}".formatted(dir, bert));
        assertThat(imported.status()).as(imported.body()).isEqualTo(201);
        String adapter = imported.json().get("id").stringValue();

        JsonNode overBase = explain(adapter, "{\"text\": \"" + TEXT + "\", \"explain\": true, \"explainLabel\": "
                + "\"positive\"}").get("explanation");
        JsonNode base = explain(bert, "{\"text\": \"" + TEXT + "\", \"explain\": true, \"explainLabel\": "
                + "\"positive\"}").get("explanation");
        assertThat(overBase.get("logit").doubleValue()).as("the adapter's own answer")
                .isNotCloseTo(base.get("logit").doubleValue(), within(1e-2));
        assertThat(Math.abs(sum(overBase) - overBase.get("logitDifference").doubleValue()))
                .isLessThan(0.05 * Math.abs(overBase.get("logitDifference").doubleValue()));
    }

    private static float[] sines(int n) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = 0.05f * (float) Math.sin(i);
        }
        return values;
    }

    @Test
    void aPairsWordsSayWhichTextTheyAreIn() {
        Http.Response imported = http.postJson("/api/v1/models/import", "{\"source\": \"%s\", \"textPair\": true}"
                .formatted(Golden.dir("tiny-bert-sst2")));
        assertThat(imported.status()).as(imported.body()).isEqualTo(201);
        String id = imported.json().get("id").stringValue();
        String premise = "A man plays a gorgeous guitar.";
        String hypothesis = "Someone makes witty music.";

        JsonNode explanation = explain(id, "{\"pairs\": [[\"" + premise + "\", \"" + hypothesis + "\"]], \"explain\": "
                + "true}").get("explanation");
        List<String> first = new ArrayList<>();
        List<String> second = new ArrayList<>();
        for (JsonNode word : explanation.get("words")) {
            boolean inPair = word.get("inPair").booleanValue();
            String source = inPair ? hypothesis : premise;
            assertThat(source.substring(word.get("start").intValue(), word.get("end").intValue()))
                    .isEqualTo(word.get("word").stringValue());
            (inPair ? second : first).add(word.get("word").stringValue());
        }
        assertThat(first).containsExactly("A", "man", "plays", "a", "gorgeous", "guitar", ".");
        assertThat(second).containsExactly("Someone", "makes", "witty", "music", ".");
        assertThat(Math.abs(sum(explanation) - explanation.get("logitDifference").doubleValue()))
                .isLessThan(0.05 * Math.abs(explanation.get("logitDifference").doubleValue()));
        JsonNode single = explain(bert, "{\"text\": \"fine\", \"explain\": true}").get("explanation");
        assertThat(single.get("words").get(0).has("inPair")).as("absent for single texts").isFalse();
    }

    @Test
    void aDeletedModelsCopyIsClosed() {
        String roberta = importModel("tiny-roberta-sst2");
        explain(roberta, "{\"text\": \"fine\", \"explain\": true}");
        int before = copies.size();
        assertThat(http.delete("/api/v1/models/" + roberta).status()).isEqualTo(204);
        assertThat(copies.size()).isEqualTo(before - 1);
    }

    private JsonNode explain(String modelId, String body) {
        Http.Response response = new Http(port).postJson("/api/v1/models/" + modelId + "/predict", body);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json().get("predictions").get(0);
    }

    private void assertProblem(String path, String json, String detail) {
        Http.Response response = http.postJson(path, json);
        assertThat(response.status()).as(json).isEqualTo(400);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().get("detail").stringValue()).as(json).contains(detail);
    }

    private static void assertWordsSlice(String text, JsonNode explanation) {
        for (JsonNode word : explanation.get("words")) {
            assertThat(text.substring(word.get("start").intValue(), word.get("end").intValue()))
                    .isEqualTo(word.get("word").stringValue());
        }
    }

    private static List<String> words(JsonNode explanation) {
        List<String> words = new ArrayList<>();
        explanation.get("words").forEach(w -> words.add(w.get("word").stringValue()));
        return words;
    }

    private static double sum(JsonNode explanation) {
        double sum = 0;
        for (JsonNode word : explanation.get("words")) {
            sum += word.get("attribution").doubleValue();
        }
        return sum;
    }

    private String importModel(String name) {
        Http.Response response = http.postJson("/api/v1/models/import",
                "{\"source\": \"%s\", \"name\": \"%s\"}".formatted(Golden.dir(name), name));
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        return response.json().get("id").stringValue();
    }
}
