package dev.attune.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

import dev.attune.support.Http;
import dev.attune.support.SharedDir;
import dev.attune.support.TestDataDir;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/** The data-set API through real HTTP, the real H2 database and real files. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"attune.datasets.max-labels=5", "attune.datasets.max-upload-size=300KB"})
class DatasetApiTest {

    private static final String DATASETS = "/api/v1/datasets";
    private static Path dataDir;

    @DynamicPropertySource
    static void dataDir(DynamicPropertyRegistry registry) {
        dataDir = TestDataDir.register(registry);
    }

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    Http http;

    @BeforeEach
    void setUp() {
        http = new Http(port);
    }

    @Test
    void uploadRealSst2DevFileAndReadItBack() {
        Path file = SharedDir.require("datasets/sst2_dev.csv");

        Http.Response created = http.upload(DATASETS, file, Map.of("name", "sst2 dev"));

        assertThat(created.status()).isEqualTo(201);
        JsonNode body = created.json();
        String id = body.get("id").stringValue();
        assertThat(created.headers().getLocation()).hasToString(DATASETS + "/" + id);
        assertThat(body.get("name").stringValue()).isEqualTo("sst2 dev");
        assertThat(body.get("rowCount").intValue()).isEqualTo(872);
        assertThat(body.get("labels").get("positive").intValue()).isEqualTo(444);
        assertThat(body.get("labels").get("negative").intValue()).isEqualTo(428);
        assertThat(body.get("skippedRows").intValue()).isZero();
        assertThat(body.get("createdAt").stringValue()).isNotBlank();

        JsonNode fetched = http.get(DATASETS + "/" + id).json();
        assertThat(fetched.get("rowCount").intValue()).isEqualTo(872);

        JsonNode rows = http.get(DATASETS + "/" + id + "/rows?offset=0&limit=2").json();
        assertThat(rows.get("total").intValue()).isEqualTo(872);
        assertThat(rows.get("rows").get(0).get("text").stringValue()).isEqualTo("one long string of cliches .");
        assertThat(rows.get("rows").get(0).get("label").stringValue()).isEqualTo("negative");
        assertThat(rows.get("rows").get(1).get("text").stringValue()).startsWith("if you 've ever entertained");

        JsonNode last = http.get(DATASETS + "/" + id + "/rows?offset=871&limit=10").json();
        assertThat(last.get("rows")).hasSize(1);
        assertThat(last.get("rows").get(0).get("index").intValue()).isEqualTo(871);
    }

    @Test
    void csvWithQuotedCommasNewlinesAndEmptyTextsIsStoredAndSkippedRowsCounted() {
        String csv = "id,text,label\n1,\"great, really \"\"great\"\"\",pos\n2,,neg\n3,\"two\nlines\",neg\n4,  ,pos\n";

        JsonNode body = upload("reviews.csv", csv).json();

        assertThat(body.get("rowCount").intValue()).isEqualTo(2);
        assertThat(body.get("skippedRows").intValue()).isEqualTo(2);
        assertThat(body.get("format").stringValue()).isEqualTo("csv");
        JsonNode rows = http.get(DATASETS + "/" + body.get("id").stringValue() + "/rows").json().get("rows");
        assertThat(rows.get(0).get("text").stringValue()).isEqualTo("great, really \"great\"");
        assertThat(rows.get(1).get("text").stringValue()).isEqualTo("two\nlines");
    }

    @Test
    void tsvJsonlAndGzipAreDetectedWithCustomColumns() throws IOException {
        JsonNode tsv = upload("data.tsv", "review\tstars\nnice\t5\nbad\t1\n",
                Map.of("textColumn", "review", "labelColumn", "stars")).json();
        assertThat(tsv.get("format").stringValue()).isEqualTo("tsv");
        assertThat(tsv.get("labels").has("5")).isTrue();

        String jsonl = "{\"text\": \"fine\", \"label\": 1}\n\n{\"text\": \"meh\", \"label\": 0}\n";
        JsonNode fromJsonl = upload("data.jsonl", jsonl).json();
        assertThat(fromJsonl.get("format").stringValue()).isEqualTo("jsonl");
        assertThat(fromJsonl.get("labels").get("1").intValue()).isEqualTo(1);

        Http.Response gz = http.upload(DATASETS, "upload.bin", gzip(jsonl), Map.of());
        assertThat(gz.status()).isEqualTo(201);
        assertThat(gz.json().get("format").stringValue()).isEqualTo("jsonl");
        assertThat(gz.json().get("rowCount").intValue()).isEqualTo(2);

        Http.Response sniffedTsv = http.upload(DATASETS, "noextension", "text\tlabel\na\tx\nb\ty\n".getBytes(), Map.of());
        assertThat(sniffedTsv.json().get("format").stringValue()).isEqualTo("tsv");
    }

    @Test
    void listShowsUploadsAndDeleteRemovesRowAndFile() throws IOException {
        String id = upload("one.csv", "text,label\na,x\nb,y\n").json().get("id").stringValue();
        assertThat(http.get(DATASETS).json().findValuesAsString("id")).contains(id);

        assertThat(http.delete(DATASETS + "/" + id).status()).isEqualTo(204);

        assertThat(http.get(DATASETS + "/" + id).status()).isEqualTo(404);
        assertThat(Files.exists(dataDir.resolve("datasets").resolve(id + ".jsonl"))).isFalse();
        assertThat(http.delete(DATASETS + "/" + id).status()).isEqualTo(404);
    }

    @Test
    void deleteWhileAJobUsesTheDataSetIs409() {
        String id = upload("used.csv", "text,label\na,x\nb,y\n").json().get("id").stringValue();
        String jobId = UUID.randomUUID().toString();
        jdbc.sql("INSERT INTO job (id, status, dataset_id, config, created_at) VALUES (?, 'RUNNING', ?, '{}', ?)")
                .params(jobId, id, Timestamp.from(Instant.now())).update();

        Http.Response response = http.delete(DATASETS + "/" + id);

        assertProblem(response, 409, "Data set in use");
        assertThat(response.body()).contains(jobId);
        assertThat(http.get(DATASETS + "/" + id).status()).isEqualTo(200);
        jdbc.sql("UPDATE job SET status = 'SUCCEEDED' WHERE id = ?").param(jobId).update();
        assertThat(http.delete(DATASETS + "/" + id).status()).isEqualTo(204);
    }

    @Test
    void missingColumnListsTheColumnsFound() {
        Http.Response response = upload("x.csv", "sentence,sentiment\na,b\n");
        assertProblem(response, 400, "Missing column");
        assertThat(response.json().get("columnsFound").toString()).contains("sentence", "sentiment");
    }

    @Test
    void malformedCsvNamesTheLine() {
        Http.Response response = upload("x.csv", "text,label\nok,a\nfine,b\n\"unterminated,a\n");
        assertProblem(response, 400, "Malformed file");
        assertThat(response.json().get("detail").stringValue()).contains("line");
    }

    @Test
    void csvRowWithTooFewFieldsNamesTheLine() {
        Http.Response response = upload("x.csv", "text,label\nok,a\nmissing label\n");
        assertProblem(response, 400, "Malformed file");
        assertThat(response.json().get("line").intValue()).isEqualTo(3);
    }

    @Test
    void invalidUtf8IsRefused() {
        byte[] content = "text,label\ngood,a\nbad \u0000,b\n".getBytes(StandardCharsets.UTF_8);
        content[content.length - 6] = (byte) 0xC3; // a lone lead byte: not UTF-8
        assertProblem(http.upload(DATASETS, "x.csv", content, Map.of()), 400, "Invalid UTF-8");
    }

    @Test
    void aLatin1ByteIsReportedOnItsOwnLine() {
        byte[] content = "text,label\ngood,a\nfine,b\ncaf\u00e9 ok,a\nmore,b\n".getBytes(StandardCharsets.ISO_8859_1);
        Http.Response response = http.upload(DATASETS, "x.csv", content, Map.of());
        assertProblem(response, 400, "Invalid UTF-8");
        assertThat(response.json().get("line").intValue()).isEqualTo(4);
        assertThat(response.json().get("detail").stringValue()).startsWith("Line 4 is not valid UTF-8");
    }

    @Test
    void fileWithOnlyEmptyTextsHasNoUsableRows() {
        assertProblem(upload("x.csv", "text,label\n,a\n  ,b\n"), 400, "No usable rows");
    }

    @Test
    void singleLabelIsRefused() {
        Http.Response response = upload("x.csv", "text,label\na,pos\nb,pos\n");
        assertProblem(response, 400, "Single label");
        assertThat(response.json().get("detail").stringValue()).contains("'pos'");
    }

    @Test
    void labelColumnWithTooManyValuesIsRefused() {
        StringBuilder csv = new StringBuilder("text,label\n");
        for (int i = 0; i < 6; i++) {
            csv.append("t").append(i).append(",c").append(i).append('\n');
        }
        assertProblem(upload("x.csv", csv.toString()), 400, "Too many labels");
    }

    @Test
    void overlongNameAndLabelAreRefused() {
        assertProblem(upload("x.csv", "text,label\na,x\nb,y\n", Map.of("name", "n".repeat(300))), 400, "Name too long");
        assertProblem(upload("x.csv", "text,label\na,x\nb," + "y".repeat(300) + "\n"), 400, "Label too long");
    }

    @Test
    void invalidJsonLineNamesTheLine() {
        Http.Response response = upload("x.jsonl", "{\"text\":\"a\",\"label\":\"x\"}\n{\"text\": oops}\n");
        assertProblem(response, 400, "Malformed file");
        assertThat(response.json().get("line").intValue()).isEqualTo(2);
    }

    @Test
    void corruptGzipIsRefused() throws IOException {
        byte[] gz = gzip("text,label\n" + "a,x\nb,y\n".repeat(2000));
        byte[] cut = java.util.Arrays.copyOf(gz, gz.length / 2);
        assertProblem(http.upload(DATASETS, "x.csv.gz", cut, Map.of()), 400, "Corrupt gzip");
    }

    @Test
    void oversizeUploadIs413() {
        byte[] big = ("text,label\n" + "some review text here,x\n".repeat(20_000)).getBytes(StandardCharsets.UTF_8);
        Http.Response response = http.upload(DATASETS, "big.csv", big, Map.of());
        assertProblem(response, 413, "Upload too large");
    }

    @Test
    void gzipBombIsRefusedWith413OnceItsDecompressedBytesPassTheLimit() throws IOException {
        byte[] bomb = gzip("text,label\n" + "a perfectly ordinary review line,x\n".repeat(200_000)); // 7 MB -> 25 KB
        assertThat(bomb.length).isLessThan(300_000);
        assertProblem(http.upload(DATASETS, "bomb.csv.gz", bomb, Map.of()), 413, "Upload too large");
    }

    @Test
    void echoedInputIsCutSoAnErrorBodyStaysSmall() {
        String header = "x".repeat(200_000) + ",y\n";
        Http.Response response = upload("wide.csv", header + "a,b\n");
        assertProblem(response, 400, "Missing column");
        assertThat(response.body().length()).isLessThan(5_000);
    }

    @Test
    void aTextOrLabelColumnNamedTwiceIsRefused() {
        Http.Response twice = upload("twice.csv", "text,label,text\na,x,b\nc,y,d\n");
        assertProblem(twice, 400, "Duplicate column");
        assertThat(twice.json().get("detail").stringValue()).contains("'text'");
    }

    @Test
    void aJsonArrayAsTextIsRefused() {
        Http.Response array = upload("rows.jsonl", "{\"text\": [\"a\", \"b\"], \"label\": \"x\"}\n{\"text\": \"c\", \"label\": \"y\"}\n");
        assertProblem(array, 400, "Malformed file");
        assertThat(array.json().get("detail").stringValue()).contains("array");
    }

    @Test
    void requestWithoutFilePartOrWrongTypeIsRefused() {
        assertProblem(http.postJson(DATASETS, "{}"), 415, "Unsupported media type");
        Http.Response empty = http.upload(DATASETS, "empty.csv", new byte[0], Map.of());
        assertProblem(empty, 400, "Empty file");
    }

    @Test
    void previewLimitAndUnknownIdsAreProblems() {
        String id = upload("p.csv", "text,label\na,x\nb,y\n").json().get("id").stringValue();
        assertProblem(http.get(DATASETS + "/" + id + "/rows?limit=5000"), 400, "Limit too large");
        assertThat(http.get(DATASETS + "/" + id + "/rows?offset=-1").status()).isEqualTo(400);
        assertProblem(http.get(DATASETS + "/does-not-exist"), 404, "Data set not found");
    }

    private Http.Response upload(String fileName, String content) {
        return upload(fileName, content, Map.of());
    }

    private Http.Response upload(String fileName, String content, Map<String, String> fields) {
        return http.upload(DATASETS, fileName, content.getBytes(StandardCharsets.UTF_8), fields);
    }

    /** A refused upload is problem+json with the given title, and leaves no row and no file behind. */
    private void assertProblem(Http.Response response, int status, String title) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().get("title").stringValue()).isEqualTo(title);
        assertThat(response.json().get("detail").stringValue()).isNotBlank();
        assertNoTempFiles();
    }

    private void assertNoTempFiles() {
        try (Stream<Path> files = Files.list(dataDir.resolve("datasets"))) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(name -> name.startsWith(".tmp-"));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        Integer stored = jdbc.sql("SELECT COUNT(*) FROM dataset").query(Integer.class).single();
        try (Stream<Path> files = Files.list(dataDir.resolve("datasets"))) {
            assertThat(files.count()).isEqualTo(stored.longValue());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] gzip(String text) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }
}
