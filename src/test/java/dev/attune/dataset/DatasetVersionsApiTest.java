package dev.attune.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

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
 * Data sets without labels and a data set's next version (issue 33), through real HTTP, H2 and files: a version
 * holds its parent's rows then the new ones, leaves out rows its parent holds, and refuses rows of another kind.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class DatasetVersionsApiTest {

    private static final String DATASETS = "/api/v1/datasets";

    @DynamicPropertySource
    static void dataDir(DynamicPropertyRegistry registry) {
        TestDataDir.register(registry);
    }

    @LocalServerPort
    int port;
    @Autowired
    DatasetService datasets;
    Http http;

    @BeforeEach
    void setUp() {
        http = new Http(port);
    }

    @Test
    void aDataSetWithoutLabelsKeepsItsTextsAndIsRefusedForTraining() {
        Http.Response created = upload(DATASETS, "pool.csv", "text,label\na fine film,positive\na dull one,negative\n"
                + "\"what, again?\",\n", Map.of("unlabelled", "true"));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        JsonNode pool = created.json();
        assertThat(pool.get("labelled").booleanValue()).isFalse();
        assertThat(pool.has("labelColumn")).isFalse();
        assertThat(pool.get("labels").size()).isZero();
        assertThat(pool.get("rowCount").intValue()).isEqualTo(3);
        assertThat(pool.get("suggestedProblemType").isNull()).isTrue();
        JsonNode rows = http.get(DATASETS + "/" + pool.get("id").stringValue() + "/rows").json().get("rows");
        assertThat(rows.get(2).get("text").stringValue()).isEqualTo("what, again?");
        assertThat(rows.get(0).has("label")).as("the label column is not read").isFalse();

        Http.Response jsonl = upload(DATASETS, "pool.jsonl", "{\"text\": \"only texts\"}\n{\"text\": \"here\"}\n",
                Map.of("unlabelled", "true"));
        assertThat(jsonl.status()).as(jsonl.body()).isEqualTo(201);
        assertThat(upload(DATASETS, "pool.csv", "text\nx\n", Map.of("unlabelled", "true", "labelColumn", "y"))
                .status()).isEqualTo(400);

        Http.Response train = http.postJson("/api/v1/jobs", "{\"datasetId\": \"%s\", \"baseModel\": \"/tmp/none\"}"
                .formatted(pool.get("id").stringValue()));
        assertThat(train.status()).isEqualTo(400);
        assertThat(train.json().get("errors").toString()).contains("has no labels");
    }

    @Test
    void aVersionHoldsItsParentsRowsThenTheNewOnesLeavingOutThoseTheParentHolds() {
        String parent = upload(DATASETS, "seed.csv", "text,label\ngood,positive\nbad,negative\nfine,positive\n", Map.of())
                .json().get("id").stringValue();
        Http.Response created = upload(DATASETS + "/" + parent + "/versions", "labelled.csv",
                "text,label\ngreat,positive\nbad,negative\nawful,negative\n\"\",positive\n", Map.of());
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        JsonNode version = created.json();
        assertThat(created.headers().getLocation()).hasToString(DATASETS + "/" + version.get("id").stringValue());
        assertThat(version.get("parentId").stringValue()).isEqualTo(parent);
        assertThat(version.get("version").intValue()).isEqualTo(2);
        assertThat(version.get("name").stringValue()).isEqualTo("seed.csv v2");
        assertThat(version.get("rowCount").intValue()).as("3 of the parent's + 2 new").isEqualTo(5);
        assertThat(version.get("duplicateRows").intValue()).as("'bad' is the parent's").isOne();
        assertThat(version.get("skippedRows").intValue()).as("the empty text").isOne();
        assertThat(version.get("labels").get("negative").intValue()).isEqualTo(2);
        List<String> texts = http.get(DATASETS + "/" + version.get("id").stringValue() + "/rows").json().get("rows")
                .valueStream().map(r -> r.get("index").asLong() + ":" + r.get("text").stringValue()).toList();
        assertThat(texts).containsExactly("0:good", "1:bad", "2:fine", "3:great", "4:awful");
        JsonNode fetched = http.get(DATASETS + "/" + version.get("id").stringValue()).json();
        assertThat(fetched.get("parentId").stringValue()).isEqualTo(parent);
        assertThat(http.get(DATASETS + "/" + parent).json().get("version").intValue()).isOne();

        // a version of the version, from JSONL with the label under another name
        Http.Response third = upload(DATASETS + "/" + version.get("id").stringValue() + "/versions", "more.jsonl",
                "{\"review\": \"superb\", \"stars\": \"positive\"}\n", Map.of("textColumn", "review",
                        "labelColumn", "stars", "name", "round 2"));
        assertThat(third.status()).as(third.body()).isEqualTo(201);
        assertThat(third.json().get("version").intValue()).isEqualTo(3);
        assertThat(third.json().get("name").stringValue()).isEqualTo("round 2");
        assertThat(third.json().get("textColumn").stringValue()).as("the parent's description").isEqualTo("text");

        // deleting the parent keeps the version, its reference gone
        assertThat(http.delete(DATASETS + "/" + parent).status()).isEqualTo(204);
        JsonNode orphan = http.get(DATASETS + "/" + version.get("id").stringValue()).json();
        assertThat(orphan.has("parentId")).isFalse();
        assertThat(orphan.get("version").intValue()).isEqualTo(2);
        assertThat(orphan.get("rowCount").intValue()).isEqualTo(5);
    }

    @Test
    void aVersionOfAnotherKindOrAnUnknownParentIsRefused() {
        String parent = upload(DATASETS, "seed.csv", "text,label\ngood,positive\nbad,negative\n", Map.of())
                .json().get("id").stringValue();
        String versions = DATASETS + "/" + parent + "/versions";

        Http.Response unknown = upload(DATASETS + "/00000000-0000-0000-0000-000000000000/versions", "x.csv",
                "text,label\na,b\n", Map.of());
        assertProblem(unknown, 404, "Data set not found");
        Http.Response multi = upload(versions, "multi.csv", "text,label\n\"great, fun\",\"positive,funny\"\n", Map.of());
        assertProblem(multi, 400, "Not the parent's kind");
        assertThat(multi.json().get("detail").stringValue()).contains("single_label_classification",
                "multi_label_classification");
        Http.Response pairs = upload(versions, "pairs.csv", "text,text_pair,label\na,b,positive\n",
                Map.of("textPairColumn", "text_pair"));
        assertProblem(pairs, 400, "Not the parent's kind");
        assertThat(pairs.json().get("detail").stringValue()).contains("text pairs");
        Http.Response unlabelled = upload(versions, "texts.csv", "text\nsomething new\n", Map.of());
        assertProblem(unlabelled, 400, "Missing column");
        Http.Response conflicting = upload(versions, "relabel.csv", "text,label\ngood,negative\nnew,positive\n", Map.of());
        assertProblem(conflicting, 400, "Conflicting labels");
        assertThat(conflicting.json().get("detail").stringValue()).contains("parent's row 0");

        String pool = upload(DATASETS, "pool.csv", "text\nx\ny\n", Map.of("unlabelled", "true")).json().get("id")
                .stringValue();
        assertProblem(upload(DATASETS + "/" + pool + "/versions", "l.csv", "text,label\nz,positive\n",
                Map.of("labelColumn", "label")), 400, "Not the parent's kind");
        Http.Response morePool = upload(DATASETS + "/" + pool + "/versions", "more.csv", "text\nz\nx\n", Map.of());
        assertThat(morePool.status()).as(morePool.body()).isEqualTo(201);
        assertThat(morePool.json().get("rowCount").intValue()).isEqualTo(3);
        assertThat(morePool.json().get("labelled").booleanValue()).isFalse();
        assertThat(http.get(DATASETS).json().size()).as("nothing stored by a refused version").isEqualTo(3);
    }

    @Test
    void createFromMakesADataSetOfRowsWithTheParentsRules() throws Exception {
        String parent = upload(DATASETS, "seed.csv", "text,label\ngood,positive\nbad,negative\nmeh,negative\n",
                Map.of()).json().get("id").stringValue();
        List<DatasetRow> kept = datasets.allRows(parent).stream().filter(r -> !r.text().equals("meh")).toList();
        Dataset cleaned = datasets.createFrom(parent, "cleaned", kept);
        assertThat(cleaned.parentId()).isEqualTo(parent);
        assertThat(cleaned.version()).isEqualTo(2);
        assertThat(datasets.allRows(cleaned.id())).extracting(DatasetRow::text).containsExactly("good", "bad");
        assertThat(http.get(DATASETS + "/" + cleaned.id()).json().get("labels").toString())
                .isEqualTo("{\"negative\":1,\"positive\":1}");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> datasets.createFrom(parent, null,
                List.of(new DatasetRow(0, "only", "positive"))))
                .hasMessageContaining("a classifier needs at least two");
    }

    private Http.Response upload(String path, String name, String content, Map<String, String> fields) {
        return http.upload(path, name, content.getBytes(StandardCharsets.UTF_8), fields);
    }

    private static void assertProblem(Http.Response response, int status, String title) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.contentType()).contains("application/problem+json");
        assertThat(response.json().get("title").stringValue()).isEqualTo(title);
    }
}
