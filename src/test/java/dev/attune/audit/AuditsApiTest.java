package dev.attune.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

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
 * Label audits end to end through real HTTP, H2 and DJL on a tiny SST-2 checkpoint, two CPU workers: an audit's folds
 * are ordinary jobs that run in parallel, the rows whose labels were flipped come out as suspects, the suspects
 * download, a cleaned data set is made; bad requests are one 400 listing every problem; a queue without room for
 * every fold refuses the audit whole; a cancel ends every fold.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"attune.jobs.progress-interval=0s", "attune.jobs.devices=cpu,cpu", "attune.jobs.max-queued=6"})
class AuditsApiTest {

    private static final int ROWS = 120;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestDataDir.registerWithGoldenImports(registry);
    }

    @LocalServerPort
    int port;

    @Test
    void anAuditFindsTheFlippedLabelsAndCleansThem() {
        Http http = new Http(port);
        Set<Long> flipped = new HashSet<>();
        String dataset = upload(http, noisyCsv(flipped), "noisy.csv");
        Http.Response created = http.postJson("/api/v1/datasets/" + dataset + "/audits", """
                {"baseModel": "%s", "folds": 4, "seed": 7, "epochs": 3, "learningRate": 0.001, "batchSize": 16,
                 "maxLength": 32}""".formatted(Golden.dir("tiny-bert-sst2")));
        assertThat(created.status()).as(created.body()).isEqualTo(202);
        String audit = created.json().get("id").stringValue();
        assertThat(created.headers().get("Location").get(0)).endsWith("/api/v1/datasets/" + dataset + "/audits/" + audit);
        assertThat(created.json().get("foldJobs")).hasSize(4);
        JsonNode foldJob = http.get("/api/v1/jobs/" + created.json().get("foldJobs").get(0).get("jobId").stringValue())
                .json();
        assertThat(foldJob.get("kind").stringValue()).as("a fold is an ordinary job").isEqualTo("audit_fold");

        JsonNode done = await(http, dataset, audit, "?limit=1000");
        assertThat(done.get("status").stringValue()).as(done.toString()).isEqualTo("SUCCEEDED");
        assertThat(done.get("rows").intValue()).isEqualTo(ROWS);
        done.get("foldJobs").forEach(f -> assertThat(f.get("status").stringValue()).isEqualTo("SUCCEEDED"));
        assertThat(done.get("thresholds").properties()).hasSize(2);
        JsonNode suspects = done.get("suspects");
        assertThat(suspects).hasSize(done.get("suspectCount").intValue());
        Set<Long> found = new HashSet<>();
        double previous = -1;
        for (JsonNode suspect : suspects) {
            found.add(suspect.get("rowIndex").longValue());
            assertThat(suspect.get("suggestedLabel").stringValue()).isNotEqualTo(suspect.get("givenLabel").stringValue());
            assertThat(suspect.get("selfConfidence").doubleValue()).as("ranked by self-confidence")
                    .isGreaterThanOrEqualTo(previous);
            previous = suspect.get("selfConfidence").doubleValue();
        }
        long recovered = found.stream().filter(flipped::contains).count();
        assertThat(recovered).as("flipped rows %s among suspects %s", flipped, found)
                .isGreaterThanOrEqualTo(flipped.size() / 2);
        assertThat(recovered).as("precision: suspects %s, flipped %s", found, flipped)
                .isGreaterThanOrEqualTo((found.size() + 1) / 2);

        Http.Response csv = http.get("/api/v1/datasets/" + dataset + "/audits/" + audit + "/suspects?format=csv");
        assertThat(csv.status()).isEqualTo(200);
        assertThat(csv.body().lines().findFirst().orElse(""))
                .isEqualTo("rank,row_index,text,given_label,suggested_label,self_confidence,normalized_margin");
        assertThat(csv.body().lines().count()).isEqualTo(1 + found.size());
        assertThat(http.get("/api/v1/datasets/" + dataset + "/audits/" + audit + "/suspects").body().lines().count())
                .isEqualTo(found.size());

        Http.Response drop = http.postJson("/api/v1/datasets/" + dataset + "/audits/" + audit + "/clean",
                "{\"mode\": \"drop\"}");
        assertThat(drop.status()).as(drop.body()).isEqualTo(201);
        JsonNode cleaned = http.get("/api/v1/datasets/" + drop.json().get("id").stringValue()).json();
        assertThat(cleaned.get("rowCount").intValue()).isEqualTo(ROWS - found.size());
        Http.Response relabel = http.postJson("/api/v1/datasets/" + dataset + "/audits/" + audit + "/clean",
                "{\"mode\": \"relabel\", \"name\": \"relabelled\"}");
        assertThat(relabel.status()).as(relabel.body()).isEqualTo(201);
        assertThat(relabel.json().get("rowCount").intValue()).isEqualTo(ROWS);
        assertThat(relabel.json().get("changedRows").intValue()).isEqualTo(found.size());
        JsonNode firstSuspect = suspects.get(0);
        JsonNode row = http.get("/api/v1/datasets/" + relabel.json().get("id").stringValue() + "/rows?offset="
                + firstSuspect.get("rowIndex").longValue() + "&limit=1").json().get("rows").get(0);
        assertThat(row.get("label").stringValue()).isEqualTo(firstSuspect.get("suggestedLabel").stringValue());
        Http.Response top = http.postJson("/api/v1/datasets/" + dataset + "/audits/" + audit + "/clean",
                "{\"mode\": \"drop\", \"top\": 1}");
        assertThat(top.json().get("rowCount").intValue()).as(top.body()).isEqualTo(ROWS - 1);
        assertThat(http.postJson("/api/v1/datasets/" + dataset + "/audits/" + audit + "/clean", "{\"mode\": \"fix\"}")
                .status()).isEqualTo(400);
        assertThat(http.get("/api/v1/datasets/" + dataset + "/audits").json()).hasSize(1);
    }

    @Test
    void aBadAuditIsOne400ListingEveryProblem() {
        Http http = new Http(port);
        String dataset = upload(http, TrainingData.csv(12, 1), "small.csv"); // 6 rows per class
        Http.Response tooMany = http.postJson("/api/v1/datasets/" + dataset + "/audits", """
                {"baseModel": "/nowhere/model", "folds": 7, "rankBy": "loss", "testDatasetId": "%s"}"""
                .formatted(dataset));
        assertThat(tooMany.status()).as(tooMany.body()).isEqualTo(400);
        assertThat(tooMany.headers().getContentType().toString()).startsWith("application/problem+json");
        assertThat(tooMany.json().get("errors").toString()).contains("folds: at most 6, the rows of the smallest class",
                "rankBy: self_confidence or normalized_margin", "testDatasetId: ", "baseModel: ");
        assertThat(http.postJson("/api/v1/datasets/" + dataset + "/audits", """
                {"baseModel": "%s", "folds": 1}""".formatted(Golden.dir("tiny-bert"))).json().get("errors").toString())
                .contains("folds: a whole number from 2 to 20, was 1");
        String stars = upload(http, TrainingData.starsCsv(40, 1).replace(",1\n", ",1.5\n"), "stars.csv",
                Map.of("labelColumn", "stars"));
        assertThat(http.postJson("/api/v1/datasets/" + stars + "/audits", """
                {"baseModel": "%s"}""".formatted(Golden.dir("tiny-bert"))).json().get("errors").toString())
                .contains("is a regression data set");
        String multi = upload(http, TrainingData.multiLabelCsv(30, 1), "multi.csv", Map.of("labelColumn", "labels"));
        assertThat(http.postJson("/api/v1/datasets/" + multi + "/audits", """
                {"baseModel": "%s"}""".formatted(Golden.dir("tiny-bert"))).json().get("errors").toString())
                .contains("have several labels; audits check one label per row");
        Http.Response unknown = http.postJson("/api/v1/datasets/no-such-set/audits", "{}");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(http.get("/api/v1/datasets/" + dataset + "/audits/no-such-audit").status()).isEqualTo(404);
    }

    @Test
    void aQueueWithoutRoomForEveryFoldRefusesTheWholeAudit() {
        Http http = new Http(port);
        String dataset = upload(http, TrainingData.csv(40, 2), "room.csv");
        int jobsBefore = http.get("/api/v1/jobs").json().size();
        Http.Response refused = http.postJson("/api/v1/datasets/" + dataset + "/audits", """
                {"baseModel": "%s", "folds": 7}""".formatted(Golden.dir("tiny-bert")));
        assertThat(refused.status()).as(refused.body()).isEqualTo(429); // attune.jobs.max-queued is 6
        assertThat(refused.headers().getFirst("Retry-After")).isNotNull();
        assertThat(refused.json().get("detail").stringValue()).contains("needs room for 7 jobs");
        assertThat(http.get("/api/v1/datasets/" + dataset + "/audits").json()).isEmpty();
        assertThat(http.get("/api/v1/jobs").json().size()).as("no fold stored").isEqualTo(jobsBefore);
    }

    @Test
    void cancellingAnAuditCancelsEveryFold() {
        Http http = new Http(port);
        String dataset = upload(http, TrainingData.csv(60, 4), "cancel.csv");
        Http.Response created = http.postJson("/api/v1/datasets/" + dataset + "/audits", """
                {"baseModel": "%s", "folds": 3, "epochs": 300, "maxLength": 32}""".formatted(Golden.dir("tiny-bert")));
        assertThat(created.status()).as(created.body()).isEqualTo(202);
        String audit = created.json().get("id").stringValue();
        JsonNode cancelled = http.postJson("/api/v1/datasets/" + dataset + "/audits/" + audit + "/cancel", "").json();
        assertThat(cancelled.get("status").stringValue()).isEqualTo("CANCELLED");
        long deadline = System.currentTimeMillis() + 60_000;
        JsonNode audited = cancelled;
        while (System.currentTimeMillis() < deadline && audited.get("foldJobs").findValuesAsString("status").stream()
                .anyMatch(s -> s.equals("QUEUED") || s.equals("RUNNING"))) {
            sleep();
            audited = http.get("/api/v1/datasets/" + dataset + "/audits/" + audit).json();
        }
        audited.get("foldJobs").forEach(f -> assertThat(f.get("status").stringValue()).as(f.toString())
                .isEqualTo("CANCELLED"));
        assertThat(audited.get("status").stringValue()).isEqualTo("CANCELLED");
        assertThat(http.postJson("/api/v1/datasets/" + dataset + "/audits/" + audit + "/cancel", "").status())
                .isEqualTo(409);
        assertThat(http.postJson("/api/v1/datasets/" + dataset + "/audits/" + audit + "/clean", "{\"mode\": \"drop\"}")
                .status()).isEqualTo(409);
    }

    /** An audit racing its data set's deletion: one of them wins, cleanly; never a 500, never an orphan. */
    @Test
    void anAuditRacingItsDataSetsDeletionNeverFailsWithA500() throws Exception {
        Http http = new Http(port);
        java.util.concurrent.ExecutorService two = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 8; round++) {
                String dataset = upload(http, TrainingData.csv(20, round), "race-" + round + ".csv");
                var audit = two.submit(() -> new Http(port).postJson("/api/v1/datasets/" + dataset + "/audits", """
                        {"baseModel": "%s", "folds": 2, "epochs": 300, "maxLength": 16}"""
                        .formatted(Golden.dir("tiny-bert"))));
                var deletion = two.submit(() -> new Http(port).delete("/api/v1/datasets/" + dataset));
                Http.Response created = audit.get(60, java.util.concurrent.TimeUnit.SECONDS);
                Http.Response deleted = deletion.get(60, java.util.concurrent.TimeUnit.SECONDS);
                assertThat(created.status()).as(created.body()).isIn(202, 404, 409);
                assertThat(deleted.status()).as(deleted.body()).isIn(204, 409);
                if (created.status() == 202) {
                    assertThat(deleted.status()).as("the audit's folds read the data set").isEqualTo(409);
                    http.postJson("/api/v1/datasets/" + dataset + "/audits/" + created.json().get("id").stringValue()
                            + "/cancel", "");
                } else {
                    assertThat(created.json().get("detail").stringValue()).isNotBlank();
                }
            }
        } finally {
            two.shutdownNow();
        }
    }

    /** A learnable sentiment CSV with every tenth row's label flipped at random (seeded); their row indexes kept. */
    private static String noisyCsv(Set<Long> flipped) {
        String[] lines = TrainingData.csv(ROWS, 11).split("\n");
        Random random = new Random(5);
        List<String> out = new ArrayList<>(List.of(lines[0]));
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            if (random.nextInt(10) == 0) {
                flipped.add((long) i - 1);
                line = line.endsWith(",positive") ? line.replace(",positive", ",negative")
                        : line.replace(",negative", ",positive");
            }
            out.add(line);
        }
        return String.join("\n", out) + "\n";
    }

    private static String upload(Http http, String csv, String name) {
        return upload(http, csv, name, Map.of());
    }

    private static String upload(Http http, String csv, String name, Map<String, String> fields) {
        Http.Response response = http.upload("/api/v1/datasets", name, csv.getBytes(StandardCharsets.UTF_8), fields);
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        return response.json().get("id").stringValue();
    }

    private static JsonNode await(Http http, String dataset, String audit, String query) {
        long deadline = System.currentTimeMillis() + 300_000;
        JsonNode state = http.get("/api/v1/datasets/" + dataset + "/audits/" + audit + query).json();
        while (state.get("status").stringValue().equals("RUNNING") && System.currentTimeMillis() < deadline) {
            sleep();
            state = http.get("/api/v1/datasets/" + dataset + "/audits/" + audit + query).json();
        }
        return state;
    }

    private static void sleep() {
        try {
            Thread.sleep(250);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
